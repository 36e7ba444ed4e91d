/** Numbers and times the way people read them: local times, short durations, grouped digits. */

export function localTime(ns: number): string {
  const d = new Date(ns / 1e6);
  return d.toLocaleString(undefined, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

/** Microseconds → "850 µs", "12.3 ms", "1.24 s". */
export function duration(us: number): string {
  if (!Number.isFinite(us)) return '–';
  if (us < 1000) return `${Math.round(us)} µs`;
  if (us < 1_000_000) return `${(us / 1000).toFixed(us < 10_000 ? 2 : 1)} ms`;
  return `${(us / 1_000_000).toFixed(2)} s`;
}

/**
 * A number from a hit: OpenObserve returns attribute values as strings (`"42"`), its token and cost
 * columns as numbers; undefined for anything else.
 */
export function num(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** A boolean attribute: `"true"` as OpenObserve returns it, or true. */
export function flag(value: unknown): boolean {
  return value === true || value === 'true';
}

export function count(value: unknown): string {
  const n = num(value);
  return n === undefined ? '–' : n.toLocaleString();
}

export function usd(value: unknown): string {
  const n = num(value);
  if (n === undefined) return '–';
  if (n === 0) return '$0';
  return n < 0.01 ? `$${n.toPrecision(2)}` : `$${n.toFixed(4)}`;
}

/** A SQL string literal. */
export function quote(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** Spend in dollars: cents from a dollar up, else four decimals, else two significant digits. */
export function dollars(value: number): string {
  if (!Number.isFinite(value) || value === 0) return '$0.00';
  if (Math.abs(value) >= 1) return `$${value.toFixed(2)}`;
  return Math.abs(value) >= 0.0001 ? `$${value.toFixed(4)}` : `$${value.toPrecision(2)}`;
}
