// `node bench/virtual-keys.ts`: what a virtual key adds over the master key (issue 18's target: ≤ 0.1 ms
// p50 at 200 req/s). One Tollgate as `npm start` runs it (a priced model, so every request is charged;
// tracing into the embedded store), one virtual key with a budget (so every request is looked up,
// budget-checked and charged to it). Open loop at --rate req/s in total, the requests alternating
// between the two keys, so both see the same load and the same noise of this shared machine; the
// difference of the two p50s is taken per round. Then closed loops, one key after the other, for the
// CPU time per request. Reports medians over rounds.
// Flags: --rounds 5 --duration 10 --rate 200 --connections 8
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { nowMs } from './clock.ts';
import { runClosedLoop } from './closed-loop.ts';
import { chatBody, type Endpoint, JSON_HEADERS } from './endpoint.ts';
import { startMetronome } from './metronome.ts';
import { startMockProcess } from './mock-process.ts';
import { cpuMs } from './proc-stats.ts';
import { isOk, send } from './send.ts';
import { summarize } from './stats.ts';
import { startTollgateChild } from './tollgate-child.ts';
import { makeVirtualKey } from './tollgate-target.ts';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    duration: { type: 'string', default: '10' },
    rate: { type: 'string', default: '200' },
    connections: { type: 'string', default: '8' },
  },
});
const ROUNDS = Number(values.rounds);
const DURATION_S = Number(values.duration);
const RATE = Number(values.rate);
const CONNECTIONS = Number(values.connections);
const MASTER_KEY = 'sk-test-bench';
const WARMUP_S = 2;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

/** One open-loop run, request i sent with key i mod 2; latency from the scheduled time to the last byte. */
async function alternating(
  endpoints: [Endpoint, Endpoint],
): Promise<{ p50: [number, number]; errors: number }> {
  const pool = new Pool(endpoints[0].origin, { connections: 256, pipelining: 1 });
  const bodies = endpoints.map((e) => Buffer.from(e.body));
  const intervalMs = 1000 / RATE;
  const warmup = Math.round(WARMUP_S * RATE);
  const total = warmup + Math.round(DURATION_S * RATE);
  const latencies: [number[], number[]] = [[], []];
  let errors = 0;
  const pending: Array<Promise<void>> = [];
  const startMs = nowMs() + 50;
  let next = 0;
  const fire = (i: number): void => {
    const which = i % 2;
    const scheduled = startMs + i * intervalMs;
    pending.push(
      send(pool, endpoints[which] as Endpoint, bodies[which] as Buffer, 30_000).then((o) => {
        if (i < warmup) return;
        if (isOk(o)) latencies[which]?.push(o.endAt - scheduled);
        else errors++;
      }),
    );
  };
  await startMetronome(startMs, intervalMs, total, (i) => {
    while (next <= i) fire(next++);
  }).done;
  await Promise.all(pending);
  await pool.close();
  return { p50: [summarize(latencies[0]).p50, summarize(latencies[1]).p50], errors };
}

async function cpuPerRequest(pid: number, endpoint: Endpoint): Promise<number> {
  const before = cpuMs(pid);
  const r = await runClosedLoop({
    endpoint,
    connections: CONNECTIONS,
    durationS: DURATION_S / 2,
    warmupS: 1,
  });
  return (cpuMs(pid) - before) / Math.max(1, r.totalSent);
}

async function main(): Promise<void> {
  const mock = await startMockProcess({ delay: 0 });
  const tollgate = await startTollgateChild(
    'vkeys',
    `general_settings:\n  master_key: ${MASTER_KEY}\nmodel_list:\n  - model_name: bench\n    litellm_params: { model: openai/gpt-4o-mini, api_base: ${mock.apiBase}, api_key: sk-test-bench }\n`,
  );
  try {
    const virtualKey = await makeVirtualKey(tollgate.origin, MASTER_KEY);
    const endpoint = (key: string): Endpoint => ({
      origin: tollgate.origin,
      path: '/v1/chat/completions',
      headers: { ...JSON_HEADERS, authorization: `Bearer ${key}` },
      body: chatBody('bench', false),
    });
    const master = endpoint(MASTER_KEY);
    const virtual = endpoint(virtualKey);
    const rows = { masterP50: [] as number[], virtualP50: [] as number[], diff: [] as number[] };
    const cpu = { master: [] as number[], virtual: [] as number[] };
    for (let round = 1; round <= ROUNDS; round++) {
      // Which key goes first alternates too: the second of a pair would otherwise always queue behind.
      const order: [Endpoint, Endpoint] = round % 2 === 1 ? [master, virtual] : [virtual, master];
      const r = await alternating(order);
      const [m, v] = round % 2 === 1 ? r.p50 : [r.p50[1], r.p50[0]];
      rows.masterP50.push(m);
      rows.virtualP50.push(v);
      rows.diff.push(v - m);
      cpu.master.push(await cpuPerRequest(tollgate.pid, master));
      cpu.virtual.push(await cpuPerRequest(tollgate.pid, virtual));
      process.stderr.write(
        `round ${round}: open ${RATE} req/s p50 master ${m.toFixed(3)} ms, virtual ${v.toFixed(3)} ms (${(v - m >= 0 ? '+' : '') + (v - m).toFixed(3)}), ${r.errors} errors; closed-loop CPU ${cpu.master.at(-1)?.toFixed(3)} vs ${cpu.virtual.at(-1)?.toFixed(3)} ms/req\n`,
      );
    }
    const lines = [
      `Open loop ${RATE} req/s (the keys alternating), ${DURATION_S} s × ${ROUNDS} rounds; closed loop ${CONNECTIONS} connections for CPU. Medians.`,
      '',
      '| | master key | virtual key | difference |',
      '| --- | --- | --- | --- |',
      `| p50 ms | ${median(rows.masterP50).toFixed(3)} | ${median(rows.virtualP50).toFixed(3)} | ${median(rows.diff).toFixed(3)} (median of the rounds' differences) |`,
      `| CPU ms/request | ${median(cpu.master).toFixed(3)} | ${median(cpu.virtual).toFixed(3)} | ${(median(cpu.virtual) - median(cpu.master)).toFixed(3)} |`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await tollgate.stop();
    await mock.stop();
  }
}

await main();
