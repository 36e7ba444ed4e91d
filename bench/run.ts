// `npm run bench`: one session that starts the mock upstream(s) and every target, then runs each
// scenario against each target in alternation (direct, tollgate, direct, tollgate…) so drift on
// this noisy 2-core machine hits all targets alike, and reports medians against direct.
// Progress goes to stderr; the markdown report to stdout and bench/results/latest.md.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { sleep } from './clock.ts';
import { ms, rate } from './format.ts';
import type { Measurement } from './measure.ts';
import { measure } from './measure.ts';
import type { MockProcess } from './mock-process.ts';
import { startMockProcess } from './mock-process.ts';
import { rssMb } from './proc-stats.ts';
import type { MemoryRecord, RunRecord } from './report.ts';
import { renderReport } from './report.ts';
import type { RunOptions } from './run-options.ts';
import { parseRunOptions, USAGE } from './run-options.ts';
import { buildScenarios } from './scenarios.ts';
import type { BenchContext, RunningTarget, Upstream } from './target-types.ts';
import { TARGETS } from './targets.ts';
import { findWrk } from './wrk.ts';

const log = (line: string): void => void process.stderr.write(`${line}\n`);

function summary(m: Measurement): string {
  const v = m.values;
  const parts = [
    ...(v.rssPeak === undefined ? [] : [`peak RSS ${v.rssPeak.toFixed(0)} MB`]),
    `p50 ${ms(v.p50 ?? Number.NaN)}`,
    `p99 ${ms(v.p99 ?? Number.NaN)}`,
    `${rate(v.rps ?? Number.NaN)} req/s`,
  ];
  if (m.errors > 0) parts.push(`${m.errors} errors: ${m.firstError ?? '?'}`);
  return parts.join(' · ');
}

async function startTargets(o: RunOptions, ctx: BenchContext) {
  const unknown = (o.only ?? []).filter((n) => !TARGETS.some((t) => t.name === n));
  if (unknown.length > 0) throw new Error(`unknown target(s) ${unknown.join(', ')}\n${USAGE}`);
  const running: RunningTarget[] = [];
  const unavailable: { name: string; reason: string }[] = [];
  for (const spec of TARGETS.filter((t) => (o.only ? o.only.includes(t.name) : !t.optIn))) {
    try {
      const t = await spec.start(ctx);
      running.push(t);
      log(`${spec.name}: up (pid ${t.pid})`);
    } catch (err) {
      // One broken target must not cost the others their numbers.
      const reason = err instanceof Error ? err.message : String(err);
      unavailable.push({ name: spec.name, reason });
      log(`${spec.name}: NOT measured — ${reason}`);
    }
  }
  return { running, unavailable };
}

async function main(): Promise<void> {
  const o = parseRunOptions(process.argv.slice(2));
  const started = new Date();
  const wrk = o.wrk && findWrk() !== undefined;
  const logDir = dirname(o.out);
  mkdirSync(logDir, { recursive: true });
  const workDir = mkdtempSync(join(tmpdir(), 'tollgate-bench-'));

  const mocks: Partial<Record<Upstream, MockProcess>> = { fast: await startMockProcess({ delay: 0 }) };
  if (o.delayMs > 0) mocks.slow = await startMockProcess({ delay: o.delayMs });
  // 48 content events + role, stop, usage and [DONE], 100 ms apart: ~5.1 s per stream.
  if (o.slowStreams > 0) mocks.trickle = await startMockProcess({ delay: 0, chunkDelay: 100, chunks: 48 });
  const ctx: BenchContext = { mocks, workDir, logDir };
  const { running, unavailable } = await startTargets(o, ctx);
  if (running.length === 0) throw new Error('no target could be started');

  await sleep(1000); // let start-up work (JIT, config load) settle before the idle RSS
  const memory = new Map<string, MemoryRecord>();
  for (const t of running) {
    const idle = rssMb(t.pid);
    memory.set(t.name, { target: t.name, idleMb: idle, peakMb: idle, afterMb: Number.NaN });
  }

  const scenarios = buildScenarios(o, wrk);
  const total = scenarios.length * o.rounds * running.length;
  const perRunS = o.warmupS + o.durationS + o.pauseMs / 1000;
  // A slow-streams run is the 1 s ramp, the ~5 s streams and the pause, whatever --duration says.
  const runS = (s: (typeof scenarios)[number]) => (s.load.kind === 'streams' ? 7 : perRunS);
  const totalS = scenarios.reduce((sum, s) => sum + runS(s) * o.rounds * running.length, 0);
  log(`${total} runs, about ${Math.ceil(totalS / 60)} min; wrk ${wrk ? 'on' : 'off'}`);

  const runs: RunRecord[] = [];
  for (const s of scenarios) {
    for (let round = 1; round <= o.rounds; round++) {
      for (const t of running) {
        let m: Measurement;
        try {
          m = await measure(s, t.route(s.upstream, s.stream), o);
        } catch (err) {
          m = { values: {}, errors: 1, firstError: err instanceof Error ? err.message : String(err) };
        }
        runs.push({ scenario: s.id, target: t.name, round, m });
        const mem = memory.get(t.name);
        // The slow-streams scenario reports its own peak; this one is performance.md's "under load".
        if (mem && s.load.kind !== 'streams') mem.peakMb = Math.max(mem.peakMb, rssMb(t.pid));
        log(`[${runs.length}/${total}] ${s.id} · ${t.name} · round ${round}: ${summary(m)}`);
        await sleep(o.pauseMs);
      }
    }
  }
  for (const t of running) {
    const mem = memory.get(t.name);
    if (mem) mem.afterMb = rssMb(t.pid);
  }

  for (const t of running) await t.stop();
  for (const mock of Object.values(mocks)) await mock?.stop();
  rmSync(workDir, { recursive: true, force: true });

  const report = renderReport({
    started,
    options: o,
    wrk,
    scenarios,
    targets: running.map((t) => t.name),
    unavailable,
    runs,
    memory: [...memory.values()],
  });
  writeFileSync(o.out, report);
  process.stdout.write(report);
  log(`report written to ${o.out}`);
}

await main();
