// Closed-loop load: N connections, each sending its next request as soon as the previous answer
// has fully arrived. It measures capacity (req/s at saturation); its latencies are those of a
// saturated server and, unlike the open loop's, hide stalls (the generator waits with the server).
// Run: node bench/closed-loop.ts --url http://127.0.0.1:PORT/v1/chat/completions --connections 50 --duration 10 [--stream]
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { nowMs, sleep } from './clock.ts';
import type { Endpoint } from './endpoint.ts';
import { GENERATOR_FLAGS, generatorTarget } from './endpoint.ts';
import { rate as fmtRate, latencyLine } from './format.ts';
import { describeFailure, isOk, send } from './send.ts';
import type { Summary } from './stats.ts';
import { summarize } from './stats.ts';

export interface ClosedLoopOptions {
  endpoint: Endpoint;
  connections: number;
  durationS: number;
  /** Run flat out this long first and discard it (JIT, connection set-up). */
  warmupS: number;
  timeoutMs?: number;
}

export interface ClosedLoopResult {
  connections: number;
  ok: number;
  errors: number;
  /** Every answer, warm-up and window edges included: what the server's CPU time was spent on. */
  totalSent: number;
  /** Successful answers completed inside the measured window, per second. */
  rps: number;
  latency: Summary;
  ttfb: Summary;
  firstError?: string;
}

export async function runClosedLoop(opts: ClosedLoopOptions): Promise<ClosedLoopResult> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const pool = new Pool(opts.endpoint.origin, {
    connections: opts.connections,
    pipelining: 1,
    keepAliveTimeout: 120_000,
  });
  const body = Buffer.from(opts.endpoint.body);
  const windowStart = nowMs() + opts.warmupS * 1000;
  const windowEnd = windowStart + opts.durationS * 1000;
  const latencies: number[] = [];
  const ttfbs: number[] = [];
  let ok = 0;
  let errors = 0;
  let firstError: string | undefined;
  let totalSent = 0;

  const loop = async (): Promise<void> => {
    while (nowMs() < windowEnd) {
      const sentAt = nowMs();
      const o = await send(pool, opts.endpoint, body, timeoutMs);
      totalSent++;
      // Only requests that both started and finished inside the window count.
      const inWindow = sentAt >= windowStart && o.endAt <= windowEnd;
      if (isOk(o)) {
        if (!inWindow) continue;
        ok++;
        latencies.push(o.endAt - sentAt);
        ttfbs.push(o.firstByteAt - sentAt);
      } else {
        if (inWindow) errors++;
        firstError ??= describeFailure(o);
        // A refused connection fails instantly; don't spin a core on it.
        if (o.error) await sleep(10);
      }
    }
  };
  await Promise.all(Array.from({ length: opts.connections }, loop));
  await pool.close();

  return {
    connections: opts.connections,
    ok,
    errors,
    totalSent,
    rps: ok / opts.durationS,
    latency: summarize(latencies),
    ttfb: summarize(ttfbs),
    firstError,
  };
}

export function formatClosedLoop(r: ClosedLoopResult): string {
  return [
    `closed loop ${r.connections} connections: ${fmtRate(r.rps)} req/s, ${r.ok} ok, ${r.errors} errors`,
    latencyLine('  latency', r.latency),
    latencyLine('  ttfb   ', r.ttfb),
    r.firstError ? `  first error: ${r.firstError}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      ...GENERATOR_FLAGS,
      connections: { type: 'string', default: '50' },
    },
  });
  const result = await runClosedLoop({
    ...generatorTarget(values),
    connections: Number(values.connections),
  });
  console.log(values.json ? JSON.stringify(result, null, 2) : formatClosedLoop(result));
}

if (import.meta.main) await main();
