/**
 * The metrics' cost on the request path: `Metrics.finish` (the gateway finish listener) per finished
 * request, for a success and a failure with a virtual key, against what prom-client's own `inc` costs
 * for one counter with the same labels. `node bench/metrics.ts`.
 */
import { Counter, Registry } from 'prom-client';
import type { Deployment } from '../src/config/types.ts';
import { GatewayError } from '../src/errors/gateway-error.ts';
import type { RequestRecord } from '../src/gateway/record.ts';
import { Metrics } from '../src/metrics/metrics.ts';

const deployment: Deployment = {
  id: 'priced-id',
  modelName: 'priced',
  model: 'gpt-4o-mini',
  provider: 'openai',
  litellmModel: 'openai/gpt-4o-mini',
  params: {},
  modelInfo: {},
};

function record(i: number, failed: boolean): RequestRecord {
  const now = Date.now();
  const perf = performance.now();
  const error = failed ? new GatewayError('slow down', { status: 429, type: 'rate_limit_error' }) : undefined;
  return {
    callId: `call-${i}`,
    endpoint: 'chat',
    requestedModel: 'priced',
    requestBody: { model: 'priced', messages: [] },
    modelGroup: 'priced',
    attemptedFallbacks: 0,
    stream: false,
    startedAt: now,
    startedPerf: perf,
    finishedPerf: perf + 120,
    attempts: [
      {
        attempt: 1,
        deployment,
        provider: 'openai',
        apiBase: 'api.openai.com:443',
        startedAt: now + 1,
        latencyMs: 110,
        status: failed ? 429 : 200,
        dropped: [],
        endedAt: now + 111,
        ...(error ? { error } : {}),
      },
    ],
    deployment,
    ...(failed
      ? { error, httpStatus: 429 }
      : {
          httpStatus: 200,
          usage: { promptTokens: 12, completionTokens: 7, totalTokens: 19 },
          cost: { prompt: 0.012, completion: 0.014, total: 0.026 } as RequestRecord['cost'],
        }),
    clientHeaders: {},
    route: '/v1/chat/completions',
    caller: {
      token: `${'ab'.repeat(31)}${String(i % 50).padStart(2, '0')}`,
      keyAlias: `key-${i % 50}`,
      userId: `user-${i % 20}`,
      userEmail: `user-${i % 20}@example.com`,
      teamId: `team-${i % 5}`,
      teamAlias: `team ${i % 5}`,
    },
  };
}

function time(label: string, n: number, run: (i: number) => void): void {
  for (let i = 0; i < n / 10; i++) run(i);
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) run(i);
  const ns = Number(process.hrtime.bigint() - start) / n;
  process.stdout.write(`${label.padEnd(58)} ${(ns / 1000).toFixed(2)} µs\n`);
}

const N = 200_000;
const metrics = new Metrics({ masterToken: 'f'.repeat(64), endUsers: false, processMetrics: false });
const ok = Array.from({ length: 1000 }, (_, i) => record(i, false));
const bad = Array.from({ length: 1000 }, (_, i) => record(i, true));
time('Metrics.finish, answered request (50 keys)', N, (i) => metrics.finish(ok[i % 1000] as RequestRecord));
time('Metrics.finish, failed request (50 keys)', N, (i) => metrics.finish(bad[i % 1000] as RequestRecord));

const names = [
  'api_key_alias',
  'end_user',
  'hashed_api_key',
  'model_id',
  'requested_model',
  'route',
  'status_code',
  'team',
  'team_alias',
  'user',
  'user_email',
];
const counter = new Counter({ name: 'c_total', help: 'h', labelNames: names, registers: [new Registry()] });
const labels = ok.map((r) => ({
  api_key_alias: r.caller?.keyAlias ?? 'None',
  end_user: 'None',
  hashed_api_key: r.caller?.token ?? 'None',
  model_id: 'priced-id',
  requested_model: 'priced',
  route: '/v1/chat/completions',
  status_code: '200',
  team: r.caller?.teamId ?? 'None',
  team_alias: r.caller?.teamAlias ?? 'None',
  user: r.caller?.userId ?? 'None',
  user_email: r.caller?.userEmail ?? 'None',
}));
time("for comparison: prom-client's inc, one counter, same labels", N, (i) =>
  counter.inc(labels[i % 1000] as Record<string, string>, 1),
);

const start = performance.now();
const text = await metrics.scrape();
process.stdout.write(`scrape: ${(performance.now() - start).toFixed(1)} ms, ${text.length} bytes\n`);
