// Number formatting shared by the CLIs and the markdown report.
import type { Summary } from './stats.ts';

export function ms(v: number): string {
  if (!Number.isFinite(v)) return '—';
  if (v < 10) return v.toFixed(2);
  if (v < 100) return v.toFixed(1);
  return v.toFixed(0);
}

export function rate(v: number): string {
  return Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '—';
}

export function latencyLine(label: string, s: Summary): string {
  return `${label}: p50 ${ms(s.p50)} ms, p90 ${ms(s.p90)} ms, p99 ${ms(s.p99)} ms, max ${ms(s.max)} ms (n=${s.count})`;
}
