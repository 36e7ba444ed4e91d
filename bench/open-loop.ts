// Open-loop, fixed-rate load: request i is due at start + i/rate whether or not earlier ones have
// answered, and its latency runs from that *scheduled* time to the last byte of the answer. A slow
// server therefore cannot slow the generator down and hide its own stalls (coordinated omission);
// waiting for a free connection or a late send counts against the measured latency.
// Run: node bench/open-loop.ts --url http://127.0.0.1:PORT/v1/chat/completions --rate 200 --duration 10 [--stream]
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { nowMs } from './clock.ts';
import type { Endpoint } from './endpoint.ts';
import { GENERATOR_FLAGS, generatorTarget } from './endpoint.ts';
import { rate as fmtRate, latencyLine, ms } from './format.ts';
import type { Metronome } from './metronome.ts';
import { startMetronome, startTimerSchedule } from './metronome.ts';
import { describeFailure, isOk, send } from './send.ts';
import type { Summary } from './stats.ts';
import { summarize } from './stats.ts';

export interface OpenLoopOptions {
  endpoint: Endpoint;
  rate: number;
  durationS: number;
  /** Sent at the same rate before the measured window and discarded (JIT, connections, caches). */
  warmupS: number;
  /** Upper bound of the pool; undici opens them lazily, so a fast server uses only a few. */
  connections?: number;
  timeoutMs?: number;
  scheduler?: 'metronome' | 'timers';
}

export interface OpenLoopResult {
  rate: number;
  /** Measured requests (the warm-up excluded). */
  sent: number;
  /** Including the warm-up: what the server's CPU time was spent on. */
  totalSent: number;
  ok: number;
  errors: number;
  achievedRate: number;
  /** Scheduled send time → last byte. */
  latency: Summary;
  /** Scheduled send time → first body byte. */
  ttfb: Summary;
  /** Actual dispatch − scheduled time: the generator's own precision, should stay ≪ latency. */
  sendLag: Summary;
  firstError?: string;
}

export async function runOpenLoop(opts: OpenLoopOptions): Promise<OpenLoopResult> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const pool = new Pool(opts.endpoint.origin, {
    connections: opts.connections ?? 256,
    pipelining: 1,
    keepAliveTimeout: 120_000,
  });
  const body = Buffer.from(opts.endpoint.body);
  const intervalMs = 1000 / opts.rate;
  const warmupCount = Math.round(opts.warmupS * opts.rate);
  const total = warmupCount + Math.round(opts.durationS * opts.rate);
  // A little head start so the metronome worker is running before the first due time.
  const startMs = nowMs() + 50;

  const latencies: number[] = [];
  const ttfbs: number[] = [];
  const lags: number[] = [];
  let ok = 0;
  let errors = 0;
  let firstEnd = Number.POSITIVE_INFINITY;
  let lastEnd = 0;
  let firstError: string | undefined;
  let inFlight = 0;
  let drained: (() => void) | undefined;
  let next = 0;

  const fire = (i: number): void => {
    const scheduled = startMs + i * intervalMs;
    const measured = i >= warmupCount;
    if (measured) lags.push(nowMs() - scheduled);
    inFlight++;
    void send(pool, opts.endpoint, body, timeoutMs).then((o) => {
      inFlight--;
      if (measured) {
        if (isOk(o)) {
          ok++;
          latencies.push(o.endAt - scheduled);
          ttfbs.push(o.firstByteAt - scheduled);
          firstEnd = Math.min(firstEnd, o.endAt);
          lastEnd = Math.max(lastEnd, o.endAt);
        } else {
          errors++;
          firstError ??= describeFailure(o);
        }
      }
      if (inFlight === 0) drained?.();
    });
  };
  // Ticks may arrive coalesced if the main thread was busy: send everything that is due, in order.
  const onTick = (i: number): void => {
    while (next <= i) fire(next++);
  };

  const start = opts.scheduler === 'timers' ? startTimerSchedule : startMetronome;
  const schedule: Metronome = start(startMs, intervalMs, total, onTick);
  await schedule.done;
  if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
  await pool.close();

  const sent = total - warmupCount;
  // Completion rate between the first and last measured answers: equals the offered rate when the
  // server keeps up (constant latency shifts both ends alike) and drops below it when it falls behind.
  const spanS = (lastEnd - firstEnd) / 1000;
  return {
    rate: opts.rate,
    sent,
    totalSent: total,
    ok,
    errors,
    achievedRate: ok > 1 && spanS > 0 ? (ok - 1) / spanS : Number.NaN,
    latency: summarize(latencies),
    ttfb: summarize(ttfbs),
    sendLag: summarize(lags),
    firstError,
  };
}

export function formatOpenLoop(r: OpenLoopResult): string {
  return [
    `open loop ${r.rate} req/s: ${r.ok}/${r.sent} ok, ${r.errors} errors, achieved ${fmtRate(r.achievedRate)} req/s`,
    latencyLine('  latency', r.latency),
    latencyLine('  ttfb   ', r.ttfb),
    `  send lag: p50 ${ms(r.sendLag.p50)} ms, p99 ${ms(r.sendLag.p99)} ms, max ${ms(r.sendLag.max)} ms`,
    r.firstError ? `  first error: ${r.firstError}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      ...GENERATOR_FLAGS,
      rate: { type: 'string', default: '200' },
      connections: { type: 'string', default: '256' },
      scheduler: { type: 'string', default: 'metronome' },
    },
  });
  const result = await runOpenLoop({
    ...generatorTarget(values),
    rate: Number(values.rate),
    connections: Number(values.connections),
    scheduler: values.scheduler === 'timers' ? 'timers' : 'metronome',
  });
  console.log(values.json ? JSON.stringify(result, null, 2) : formatOpenLoop(result));
}

if (import.meta.main) await main();
