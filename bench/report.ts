// The markdown report: medians over rounds, each gateway against the direct baseline of the same
// session (absolute numbers drift between sessions on this machine; differences and ratios less).
import { cpus, totalmem } from 'node:os';
import { ms, rate } from './format.ts';
import type { Measurement } from './measure.ts';
import type { RunOptions } from './run-options.ts';
import type { MetricSpec, Scenario } from './scenarios.ts';
import { median } from './stats.ts';
import { PEER } from './targets.ts';
import { targetsTable } from './targets-table.ts';

export interface RunRecord {
  scenario: string;
  target: string;
  round: number;
  m: Measurement;
}

export interface MemoryRecord {
  target: string;
  idleMb: number;
  /** Highest RSS seen right after any scenario run. */
  peakMb: number;
  afterMb: number;
}

export interface ReportInput {
  started: Date;
  options: RunOptions;
  wrk: boolean;
  scenarios: readonly Scenario[];
  targets: readonly string[];
  unavailable: readonly { name: string; reason: string }[];
  runs: readonly RunRecord[];
  memory: readonly MemoryRecord[];
}

const BASELINE = 'direct';

function fmt(key: string, v: number): string {
  if (!Number.isFinite(v)) return '—';
  if (key === 'rps') return rate(v);
  if (key === 'cpu') return v.toFixed(3);
  if (key === 'rssPeak' || key === 'failed' || key === 'maxOpen') return v.toFixed(0);
  return ms(v);
}

function values(input: ReportInput, scenario: string, target: string, key: string): number[] {
  return input.runs
    .filter((r) => r.scenario === scenario && r.target === target)
    .map((r) => r.m.values[key] ?? Number.NaN);
}

function compare(metric: MetricSpec, base: number, other: number): string {
  if (metric.kind === 'memory' || metric.kind === 'info') return '';
  if (!Number.isFinite(base) || !Number.isFinite(other)) return '—';
  if (metric.kind === 'latency') return `${other >= base ? '+' : '−'}${ms(Math.abs(other - base))}`;
  return `${((other / base) * 100).toFixed(0)} %`;
}

/**
 * A gateway against the peer: for latencies the ratio of what each adds on top of direct (0.25× =
 * a quarter of the peer's overhead), for throughput and memory the plain ratio (gateway / peer).
 */
function compareToPeer(metric: MetricSpec, direct: number, peer: number, other: number): string {
  const ratio = (a: number, b: number): string =>
    Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : '—';
  if (metric.kind === 'latency') return ratio(Math.max(other - direct, 0), peer - direct);
  if (metric.kind === 'throughput' || metric.kind === 'memory') return ratio(other, peer);
  return '';
}

function resultsTable(input: ReportInput): string[] {
  const others = input.targets.filter((t) => t !== BASELINE);
  const hasBase = input.targets.includes(BASELINE);
  const compared = hasBase ? others : [];
  const hasPeer = input.targets.includes(PEER);
  const againstPeer = hasBase && hasPeer ? others.filter((t) => t !== PEER) : [];
  const head = [
    'scenario',
    'metric',
    ...input.targets,
    ...compared.map((t) => `${t} vs direct`),
    ...againstPeer.map((t) => `${t} vs ${PEER}`),
    'target',
  ];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const s of input.scenarios) {
    s.metrics.forEach((metric, i) => {
      const med = (t: string) => median(values(input, s.id, t, metric.key));
      const cells = input.targets.map((t) => fmt(metric.key, med(t)));
      const diffs = compared.map((t) => compare(metric, med(BASELINE), med(t)));
      const peerRatios = againstPeer.map((t) => compareToPeer(metric, med(BASELINE), med(PEER), med(t)));
      const row = [
        i === 0 ? s.title : '',
        metric.label,
        ...cells,
        ...diffs,
        ...peerRatios,
        metric.target ?? '',
      ];
      lines.push(`| ${row.join(' | ')} |`);
    });
  }
  return lines;
}

function memoryTable(input: ReportInput): string[] {
  const lines = [
    `| process | idle MB | peak after a run MB (slow streams excluded) | after load MB | peak vs ${PEER} | target |`,
    '|---|---|---|---|---|---|',
  ];
  const peer = input.memory.find((m) => m.target === PEER);
  for (const m of input.memory) {
    const name = m.target === BASELINE ? 'mock upstream (direct)' : m.target;
    const target = m.target === 'tollgate' ? '≤ 120 idle, ≤ 250 peak' : '';
    const vsPeer =
      peer && m.target !== PEER && m.target !== BASELINE ? `${(m.peakMb / peer.peakMb).toFixed(2)}×` : '';
    lines.push(
      `| ${name} | ${m.idleMb.toFixed(0)} | ${m.peakMb.toFixed(0)} | ${m.afterMb.toFixed(0)} | ${vsPeer} | ${target} |`,
    );
  }
  return lines;
}

function perRunTable(input: ReportInput): string[] {
  const lines = ['| scenario | target | round | values | errors |', '|---|---|---|---|---|'];
  for (const r of input.runs) {
    const vals = Object.entries(r.m.values)
      .filter(([, v]) => Number.isFinite(v))
      .map(([k, v]) => `${k} ${fmt(k, v)}`);
    if (r.m.sendLag99 !== undefined) vals.push(`send-lag99 ${ms(r.m.sendLag99)}`);
    const errors = r.m.errors > 0 ? `${r.m.errors} (${r.m.firstError ?? '?'})` : '0';
    lines.push(`| ${r.scenario} | ${r.target} | ${r.round} | ${vals.join(' · ')} | ${errors} |`);
  }
  return lines;
}

export function renderReport(input: ReportInput): string {
  const o = input.options;
  const cpu = cpus();
  const errorRuns = input.runs.filter((r) => r.m.errors > 0).length;
  const out = [
    `# Tollgate bench — ${input.started.toISOString()}`,
    '',
    `Machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GB; ` +
      `Node ${process.version}; wrk ${input.wrk ? 'yes' : 'no'}. Generator, gateway and mock share the machine.`,
    `Runs: ${o.durationS} s measured after ${o.warmupS} s warm-up; ${o.rounds} rounds, targets alternating ` +
      `within each scenario; cells are medians over rounds${o.quick ? ' (**--quick smoke run: too short to quote**)' : ''}.`,
    'Latency: open loop from the scheduled send time to the last byte; closed loop from send to last byte. ' +
      '"vs direct" is gateway − direct for latencies and gateway / direct for throughput. ' +
      '"server CPU" is the mock’s for direct and the gateway’s own (mock excluded) otherwise.',
    `"vs ${PEER}" (the peer gateway): for latencies (gateway − direct) / (${PEER} − direct), the share of the ` +
      `peer's overhead (below 1× = less); for req/s and memory gateway / ${PEER}.`,
    'Slow streams: peak RSS sampled every 100 ms while the streams are open (the mock’s for direct); ' +
      'stream latencies are send → last byte of a ~5 s trickled answer.',
    '',
  ];
  for (const u of input.unavailable) {
    const reason = u.reason
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .slice(0, 2)
      .join(' ');
    out.push(`**${u.name} not measured:** ${reason}`, '');
  }
  if (errorRuns > 0) out.push(`**${errorRuns} run(s) had errors**, see the per-run table.`, '');
  const targets = targetsTable({
    targets: input.targets,
    median: (scenario, target, key) => median(values(input, scenario, target, key)),
    memory: input.memory,
    connections: o.connections,
    slowStreams: o.slowStreams,
  });
  if (targets.length > 0) out.push(...targets, '', '## Every scenario', '');
  out.push(...resultsTable(input), '', '## Memory (RSS, `ps -o rss`)', '', ...memoryTable(input), '');
  out.push('## Per run', '', ...perRunTable(input), '');
  return out.join('\n');
}
