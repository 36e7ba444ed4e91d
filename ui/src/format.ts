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

export function count(n: unknown): string {
  return typeof n === 'number' ? n.toLocaleString() : '–';
}

export function usd(n: unknown): string {
  if (typeof n !== 'number') return '–';
  if (n === 0) return '$0';
  return n < 0.01 ? `$${n.toPrecision(2)}` : `$${n.toFixed(4)}`;
}

/** A SQL string literal. */
export function quote(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
