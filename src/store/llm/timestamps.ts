/**
 * A point in time as senders write it: epoch seconds, milliseconds, microseconds or nanoseconds (told
 * apart by size, as OpenObserve does), as a number or digits, or an ISO 8601 / RFC 3339 date.
 */
import type { OtlpValue } from '../otlp/model.ts';

export function completionStartMicros(value: OtlpValue | undefined): number | undefined {
  if (typeof value === 'bigint') return fromNumber(Number(value));
  if (typeof value === 'number') return fromNumber(value);
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  // Langfuse's SDK writes the time JSON-encoded, quotes included.
  if (value.startsWith('"')) {
    try {
      return completionStartMicros(JSON.parse(value) as string);
    } catch {
      return undefined;
    }
  }
  const n = Number(value);
  if (Number.isFinite(n)) return fromNumber(n);
  // Date.parse keeps milliseconds only; a sender's microseconds are read from the fraction themselves.
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return undefined;
  const fraction = /\.(\d{4,9})/.exec(value)?.[1];
  const extra = fraction === undefined ? 0 : Math.trunc(Number(fraction.padEnd(6, '0').slice(3, 6)));
  return ms * 1000 + extra;
}

function fromNumber(n: number): number | undefined {
  if (!Number.isFinite(n) || n <= 0) return undefined;
  if (n >= 1e17) return Math.trunc(n / 1000);
  if (n >= 1e14) return Math.trunc(n);
  if (n >= 1e11) return Math.trunc(n * 1000);
  return Math.trunc(n * 1_000_000);
}
