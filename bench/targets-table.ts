// The report's first table: issue 15's targets, each gateway against the passthrough (the bare
// node:http + undici proxy, the practical ceiling) measured in the same session, with the target
// next to it and whether it is met. Everything here is read off the scenarios' medians and the RSS
// samples the rest of the report shows; nothing is measured twice.
import { ms, rate } from './format.ts';
import { CEILING } from './targets.ts';

export interface TargetsInput {
  /** Measured targets, in run order. */
  targets: readonly string[];
  /** Median over rounds of one value (NaN when not measured). */
  median(scenario: string, target: string, key: string): number;
  memory: readonly { target: string; idleMb: number; peakMb: number }[];
  connections: number;
  slowStreams: number;
}

interface Row {
  label: string;
  target: string;
  /** This target's figure, NaN when its scenario did not run. */
  value(t: string): number;
  show(v: number): string;
  /** The figure against the passthrough's. */
  versus(v: number, ceiling: number): string;
  /** Whether the target is met; undefined when it cannot be told. */
  met(v: number, ceiling: number): boolean | undefined;
}

const BASELINE = 'direct';
const OPEN_200 = 'open200-plain-fast';

const finite = (...vs: number[]) => vs.every(Number.isFinite);
const signed = (v: number) => `${v >= 0 ? '+' : '−'}${ms(Math.abs(v))} ms`;
const times = (v: number, c: number) => (finite(v, c) && c > 0 ? `${(v / c).toFixed(2)}×` : '—');
const mb = (v: number) => `${v.toFixed(0)} MB`;
const atMost = (max: number) => (v: number) => (Number.isFinite(v) ? v <= max : undefined);

function rows(m: TargetsInput): Row[] {
  /** What a target adds to direct's latency at 200 req/s, plain. */
  const overhead = (key: 'p50' | 'p99', target: string, met: Row['met']): Row => ({
    label: `overhead at 200 req/s, plain, ${key}`,
    target,
    value: (t) => m.median(OPEN_200, t, key) - m.median(OPEN_200, BASELINE, key),
    show: signed,
    versus: (v, c) => (finite(v, c) ? `${signed(v - c)} vs ${CEILING}` : '—'),
    met,
  });
  /** Closed-loop throughput as a share of the passthrough's. */
  const share = (scenario: string, what: string, min: number): Row => ({
    label: `closed loop, ${m.connections} conns, ${what}`,
    target: `≥ ${min * 100} % of ${CEILING}'s`,
    value: (t) => m.median(scenario, t, 'rps'),
    show: (v) => `${rate(v)} req/s`,
    versus: (v, c) => (finite(v, c) && c > 0 ? `${((v / c) * 100).toFixed(0)} %` : '—'),
    met: (v, c) => (finite(v, c) && c > 0 ? v / c >= min : undefined),
  });
  /** RSS: an absolute limit; the ratio to the passthrough's only says how far from a bare proxy. */
  const memory = (label: string, max: number, value: (t: string) => number): Row => ({
    label,
    target: `≤ ${max} MB`,
    value,
    show: mb,
    versus: times,
    met: atMost(max),
  });
  const rss = (t: string) => m.memory.find((r) => r.target === t);
  const list: Row[] = [
    overhead('p50', '≤ +0.50 ms', atMost(0.5)),
    overhead('p99', `≤ ${CEILING}'s + 1 ms`, (v, c) => (finite(v, c) ? v <= c + 1 : undefined)),
    share('closed-plain-fast', 'plain (node)', 0.6),
    share('wrk-plain-fast', 'plain (wrk)', 0.6),
    share('closed-stream-fast', 'streamed (node)', 0.8),
    share('wrk-stream-fast', 'streamed (wrk)', 0.8),
    {
      label: 'CPU per plain request (closed loop, node)',
      target: `≤ 2× ${CEILING}'s`,
      value: (t) => m.median('closed-plain-fast', t, 'cpu'),
      show: (v) => `${v.toFixed(3)} ms`,
      versus: times,
      met: (v, c) => (finite(v, c) && c > 0 ? v / c <= 2 : undefined),
    },
    memory('RSS idle', 120, (t) => rss(t)?.idleMb ?? Number.NaN),
    memory('RSS peak after a run (slow streams excluded)', 250, (t) => rss(t)?.peakMb ?? Number.NaN),
  ];
  if (m.slowStreams > 0) {
    const label = `${m.slowStreams.toLocaleString('en-US')} concurrent slow streams, peak RSS`;
    list.push(memory(label, 250, (t) => m.median('slow-streams', t, 'rssPeak')));
  }
  return list;
}

function cell(row: Row, t: string, ceiling: number): string {
  const v = row.value(t);
  if (!Number.isFinite(v)) return '—';
  if (t === CEILING) return row.show(v);
  const versus = row.versus(v, ceiling);
  const met = row.met(v, ceiling);
  const mark = met === undefined ? '' : met ? ' ✓' : ' **✗ miss**';
  return `${row.show(v)}${versus === '—' ? '' : ` (${versus})`}${mark}`;
}

/** Markdown lines of the targets table (empty when only direct was measured). */
export function targetsTable(m: TargetsInput): string[] {
  const columns = m.targets.filter((t) => t !== BASELINE);
  if (columns.length === 0) return [];
  const hasCeiling = columns.includes(CEILING);
  const head = ['', ...columns, 'target'];
  const lines = [
    `## Targets (each gateway against ${CEILING}, same session)`,
    '',
    `Cells: the figure, in brackets the same against ${CEILING}'s (latency overhead: the difference; ` +
      `req/s: the share; CPU and RSS: the ratio), then ✓ when the target is met. Overheads are against ` +
      `direct, so they need direct${hasCeiling ? '' : `; ${CEILING} was not measured, so relative targets cannot be judged`}.`,
    '',
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
  ];
  for (const row of rows(m)) {
    const ceiling = hasCeiling ? row.value(CEILING) : Number.NaN;
    lines.push(`| ${[row.label, ...columns.map((t) => cell(row, t, ceiling)), row.target].join(' | ')} |`);
  }
  return lines;
}
