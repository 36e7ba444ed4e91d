// `node bench/dialects.ts`: what serving the Responses and Messages APIs costs over chat completions.
// One Tollgate (as `npm start` runs it: tracing into the embedded store, a master key) in front of the
// bench's mock OpenAI chat upstream, as a chat-only deployment (`hosted_vllm/`), so both dialects are
// translated both ways; the same requests, plain and streamed, in alternation (chat, messages,
// responses, chat, …) so drift on this noisy machine hits all alike. Reports medians over rounds.
// Flags: --rounds 3 --duration 5 --connections 8
import { parseArgs } from 'node:util';
import { runClosedLoop } from './closed-loop.ts';
import { chatBody, type Endpoint, JSON_HEADERS } from './endpoint.ts';
import { startMockProcess } from './mock-process.ts';
import { cpuMs } from './proc-stats.ts';
import { startTollgateChild } from './tollgate-child.ts';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '8' },
  },
});
const ROUNDS = Number(values.rounds);
const DURATION_S = Number(values.duration);
const CONNECTIONS = Number(values.connections);
const KEY = 'sk-test-bench';

const BODIES: Record<string, (stream: boolean) => string> = {
  chat: (stream) => chatBody('bench', stream),
  messages: (stream) =>
    JSON.stringify({ model: 'bench', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }], stream }),
  responses: (stream) => JSON.stringify({ model: 'bench', input: 'hi', stream }),
};
const PATHS: Record<string, string> = {
  chat: '/v1/chat/completions',
  messages: '/v1/messages',
  responses: '/v1/responses',
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

async function main(): Promise<void> {
  const mock = await startMockProcess({ delay: 0 });
  const tollgate = await startTollgateChild(
    'dialects',
    `general_settings:\n  master_key: ${KEY}\nmodel_list:\n  - model_name: bench\n    litellm_params: { model: hosted_vllm/bench, api_base: ${mock.apiBase}, api_key: sk-test-bench }\n`,
  );
  const { origin, pid } = tollgate;
  try {
    const rows: Array<{ name: string; p50: number[]; p99: number[]; rps: number[]; cpu: number[] }> = [];
    for (const stream of [false, true])
      for (const name of Object.keys(BODIES))
        rows.push({ name: `${name}${stream ? ' streamed' : ''}`, p50: [], p99: [], rps: [], cpu: [] });
    for (let round = 1; round <= ROUNDS; round++) {
      for (const row of rows) {
        const [name = 'chat', streamed] = row.name.split(' ');
        const endpoint: Endpoint = {
          origin,
          path: PATHS[name] ?? '/v1/chat/completions',
          headers: { ...JSON_HEADERS, authorization: `Bearer ${KEY}` },
          body: BODIES[name]?.(streamed !== undefined) ?? '',
        };
        const cpuBefore = cpuMs(pid);
        const r = await runClosedLoop({
          endpoint,
          connections: CONNECTIONS,
          durationS: DURATION_S,
          warmupS: 1,
        });
        const cpu = (cpuMs(pid) - cpuBefore) / Math.max(1, r.totalSent);
        if (r.errors > 0) process.stderr.write(`${row.name}: ${r.errors} errors (${r.firstError ?? '?'})\n`);
        row.p50.push(r.latency.p50);
        row.p99.push(r.latency.p99);
        row.rps.push(r.rps);
        row.cpu.push(cpu);
        process.stderr.write(
          `round ${round} ${row.name}: ${r.rps.toFixed(0)} req/s, p50 ${r.latency.p50.toFixed(2)} ms, CPU ${cpu.toFixed(3)} ms/req\n`,
        );
      }
    }
    const chat = (streamed: boolean) => rows.find((r) => r.name === (streamed ? 'chat streamed' : 'chat'));
    const lines = [
      `Closed loop, ${CONNECTIONS} connections, ${DURATION_S} s × ${ROUNDS} rounds, medians; ratios against chat of the same run.`,
      '',
      '| endpoint | req/s | vs chat | p50 ms | p99 ms | Tollgate CPU ms/req | vs chat |',
      '| --- | --- | --- | --- | --- | --- | --- |',
    ];
    for (const row of rows) {
      const base = chat(row.name.endsWith('streamed'));
      const rps = median(row.rps);
      const cpu = median(row.cpu);
      lines.push(
        `| ${row.name} | ${rps.toFixed(0)} | ${(rps / median(base?.rps ?? [])).toFixed(2)} | ${median(row.p50).toFixed(2)} | ${median(row.p99).toFixed(2)} | ${cpu.toFixed(3)} | ${(cpu / median(base?.cpu ?? [])).toFixed(2)} |`,
      );
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await tollgate.stop();
    await mock.stop();
  }
}

await main();
