// Many slow streams held open at once: N clients each send one streamed request to an upstream that
// trickles its answer (one SSE event every 100 ms, ~5 s), and the server process's RSS is sampled
// while they are all open. This is performance.md's "1,000 concurrent slow streams" (RSS ≤ 250 MB,
// no error): what a gateway holds per open stream, not how fast it is.
// Run: node bench/slow-streams.ts --url http://127.0.0.1:PORT/v1/chat/completions --clients 1000 --pid PID
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { nowMs, sleep } from './clock.ts';
import type { Endpoint } from './endpoint.ts';
import { endpointFromUrl } from './endpoint.ts';
import { latencyLine } from './format.ts';
import { rssMbNow } from './proc-stats.ts';
import { describeFailure, isOk, send } from './send.ts';
import type { Summary } from './stats.ts';
import { summarize } from './stats.ts';

export interface SlowStreamsOptions {
  endpoint: Endpoint;
  clients: number;
  /** The process whose RSS is sampled (the gateway, or the mock for direct). */
  pid: number;
  /** Clients start evenly over this window: 1,000 SYNs at once would overflow the listen backlog
   * (511 in Node) and measure the kernel's SYN retry (1 s) instead of the gateway. */
  rampMs?: number;
  timeoutMs?: number;
}

export interface SlowStreamsResult {
  clients: number;
  ok: number;
  errors: number;
  firstError?: string;
  /** Most streams open at the same time (the point of the scenario: should reach `clients`). */
  maxOpen: number;
  idleRssMb: number;
  peakRssMb: number;
  /** Send → last byte; ~the upstream's trickle time when the gateway keeps up. */
  duration: Summary;
  ttfb: Summary;
}

const SAMPLE_MS = 100;

export async function runSlowStreams(opts: SlowStreamsOptions): Promise<SlowStreamsResult> {
  const rampMs = opts.rampMs ?? 1000;
  const timeoutMs = opts.timeoutMs ?? 60_000;
  // One connection per client: the point is N streams open at the same time.
  const pool = new Pool(opts.endpoint.origin, {
    connections: opts.clients,
    pipelining: 1,
    keepAliveTimeout: 10_000,
  });
  const body = Buffer.from(opts.endpoint.body);
  const idleRssMb = rssMbNow(opts.pid);
  let peakRssMb = idleRssMb;
  let open = 0;
  let maxOpen = 0;
  let done = false;
  const sampler = (async () => {
    while (!done) {
      const rss = rssMbNow(opts.pid);
      if (Number.isFinite(rss)) peakRssMb = Math.max(peakRssMb, rss);
      await sleep(SAMPLE_MS);
    }
  })();

  const durations: number[] = [];
  const ttfbs: number[] = [];
  let ok = 0;
  let errors = 0;
  let firstError: string | undefined;
  const client = async (i: number): Promise<void> => {
    await sleep((i * rampMs) / opts.clients);
    const sentAt = nowMs();
    open++;
    maxOpen = Math.max(maxOpen, open);
    const o = await send(pool, opts.endpoint, body, timeoutMs);
    open--;
    if (isOk(o)) {
      ok++;
      durations.push(o.endAt - sentAt);
      ttfbs.push(o.firstByteAt - sentAt);
    } else {
      errors++;
      firstError ??= describeFailure(o);
    }
  };
  await Promise.all(Array.from({ length: opts.clients }, (_, i) => client(i)));
  done = true;
  await sampler;
  await pool.close();
  return {
    clients: opts.clients,
    ok,
    errors,
    firstError,
    maxOpen,
    idleRssMb,
    peakRssMb,
    duration: summarize(durations),
    ttfb: summarize(ttfbs),
  };
}

export function formatSlowStreams(r: SlowStreamsResult): string {
  return [
    `${r.clients} slow streams: ${r.ok} ok, ${r.errors} errors, at most ${r.maxOpen} open at once`,
    `  RSS: ${r.idleRssMb.toFixed(0)} MB before, peak ${r.peakRssMb.toFixed(0)} MB`,
    latencyLine('  duration', r.duration),
    latencyLine('  ttfb    ', r.ttfb),
    r.firstError ? `  first error: ${r.firstError}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:8080/v1/chat/completions' },
      model: { type: 'string', default: 'bench' },
      header: { type: 'string', multiple: true, default: [] },
      clients: { type: 'string', default: '1000' },
      pid: { type: 'string' },
    },
  });
  const result = await runSlowStreams({
    endpoint: endpointFromUrl(values.url, values.model, true, values.header),
    clients: Number(values.clients),
    pid: Number(values.pid ?? process.pid),
  });
  console.log(formatSlowStreams(result));
}

if (import.meta.main) await main();
