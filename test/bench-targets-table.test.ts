// The bench report's targets table: each gateway's figures against the passthrough's, with the
// issue's targets judged from them (the lead reads the verdicts off this table).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TargetsInput } from '../bench/targets-table.ts';
import { targetsTable } from '../bench/targets-table.ts';

/** Medians as the issue measured them: direct, passthrough, tollgate. */
const MEDIANS: Record<string, Record<string, number>> = {
  'open200-plain-fast/p50': { direct: 0.3, passthrough: 0.62, tollgate: 0.96 },
  'open200-plain-fast/p99': { direct: 1, passthrough: 2.99, tollgate: 3.5 },
  'closed-plain-fast/rps': { direct: 20_000, passthrough: 8562, tollgate: 3723 },
  'closed-plain-fast/cpu': { direct: 0.02, passthrough: 0.107, tollgate: 0.2 },
  'wrk-plain-fast/rps': { direct: 30_000, passthrough: 9237, tollgate: 6000 },
  'closed-stream-fast/rps': { direct: 12_000, passthrough: 4986, tollgate: 4000 },
  'slow-streams/rssPeak': { direct: 90, passthrough: 189, tollgate: 402 },
};

function input(targets: string[]): TargetsInput {
  return {
    targets,
    median: (scenario, target, key) => MEDIANS[`${scenario}/${key}`]?.[target] ?? Number.NaN,
    memory: [
      { target: 'direct', idleMb: 60, peakMb: 70 },
      { target: 'passthrough', idleMb: 89, peakMb: 226 },
      { target: 'tollgate', idleMb: 110, peakMb: 402 },
    ],
    connections: 50,
    slowStreams: 1000,
  };
}

const row = (lines: string[], label: string) => {
  const line = lines.find((l) => l.startsWith(`| ${label} |`));
  assert.ok(line, `row ${label}`);
  return line.split(' | ').map((c) => c.replace(/^\| | \|$/g, ''));
};

describe('bench targets table', () => {
  const lines = targetsTable(input(['direct', 'passthrough', 'tollgate']));

  it('has one column per gateway (not direct) and the target', () => {
    assert.deepEqual(row(lines, '')?.slice(1), ['passthrough', 'tollgate', 'target']);
  });

  it('reports overheads against direct, compared with the passthrough, and judges them', () => {
    const p50 = row(lines, 'overhead at 200 req/s, plain, p50');
    assert.equal(p50[1], '+0.32 ms');
    assert.equal(p50[2], '+0.66 ms (+0.34 ms vs passthrough) **✗ miss**');
    const p99 = row(lines, 'overhead at 200 req/s, plain, p99');
    assert.equal(p99[2], '+2.50 ms (+0.51 ms vs passthrough) ✓', 'within passthrough + 1 ms');
  });

  it('gives closed-loop throughput as a share of the passthrough, against 60 % / 80 %', () => {
    assert.equal(row(lines, 'closed loop, 50 conns, plain (node)')[2], '3,723 req/s (43 %) **✗ miss**');
    assert.equal(row(lines, 'closed loop, 50 conns, plain (wrk)')[2], '6,000 req/s (65 %) ✓');
    assert.equal(row(lines, 'closed loop, 50 conns, streamed (node)')[2], '4,000 req/s (80 %) ✓');
    assert.equal(row(lines, 'closed loop, 50 conns, streamed (wrk)')[2], '—', 'not measured');
  });

  it('gives CPU and RSS as ratios to the passthrough, judged against 2× and the MB limits', () => {
    assert.equal(row(lines, 'CPU per plain request (closed loop, node)')[2], '0.200 ms (1.87×) ✓');
    assert.equal(row(lines, 'RSS idle')[2], '110 MB (1.24×) ✓');
    assert.equal(row(lines, 'RSS peak after a run (slow streams excluded)')[2], '402 MB (1.78×) **✗ miss**');
    assert.equal(row(lines, '1,000 concurrent slow streams, peak RSS')[2], '402 MB (2.13×) **✗ miss**');
  });

  it('judges only the absolute targets when the passthrough was not measured', () => {
    const without = targetsTable(input(['direct', 'tollgate']));
    assert.equal(row(without, 'closed loop, 50 conns, plain (node)')[1], '3,723 req/s');
    assert.equal(row(without, 'RSS idle')[1], '110 MB ✓');
  });
});
