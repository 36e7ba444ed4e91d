/**
 * Routing under faults, through the official openai SDK with the embedded store: dropped connections,
 * timeouts, 500s with Retry-After-ms and 429s with Retry-After are retried until one clean answer;
 * a failing deployment cools down while its group's other one answers; an rpm limit answers 429; and
 * `latency-based-routing` prefers the fast deployment. The stored spans show each attempt, its
 * deployment, outcome and error, and the retry delays.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { deployment, type RunningGateway, startGateway, testConfig } from './helpers/gateway-server.ts';
import { awayFromMinuteEnd } from './helpers/minute.ts';
import { type MockUpstream, startMockUpstream } from './helpers/mock-upstream.ts';
import { type Hit, type StoreGateway, startStoreGateway } from './helpers/store-gateway.ts';

const say = (content: string) => ({ messages: [{ role: 'user' as const, content }] });

/** The attempt spans of the request whose prompt contains `marker`, in order. */
async function attemptsOf(s: StoreGateway, marker: string, count: number): Promise<Hit[]> {
  const [request] = await s.waitForHits(
    `SELECT * FROM "default" WHERE operation_name = 'ChatCompletion' AND input_value LIKE '%${marker}%'`,
  );
  assert.ok(request, `the request span of ${marker}`);
  const attempts = await s.waitForHits(
    `SELECT * FROM "default" WHERE trace_id = '${request.trace_id}' AND operation_name LIKE 'upstream %' ORDER BY tollgate_attempt`,
    count,
  );
  return [request, ...attempts];
}

/** Event attribute values are strings in the stored JSON, as OpenObserve keeps them. */
const retryDelay = (span: Hit | undefined): number | undefined => {
  const events = JSON.parse(String(span?.events ?? '[]')) as Array<{ name: string; delay_ms?: string }>;
  const delay = events.find((e) => e.name === 'retry')?.delay_ms;
  return delay === undefined ? undefined : Number(delay);
};

describe('routing under faults', () => {
  let flaky: MockUpstream;
  let bad: MockUpstream;
  let good: MockUpstream;
  let s: StoreGateway;

  before(async () => {
    [flaky, bad, good] = await Promise.all([startMockUpstream(), startMockUpstream(), startMockUpstream()]);
    bad.defaultScript = {
      status: 500,
      body: { error: { message: 'deployment down', type: 'server_error' } },
    };
    const on = (id: string, modelName: string, upstream: MockUpstream, extra = {}) =>
      deployment({ id, modelName, model: id, apiBase: upstream.url, apiKey: 'sk-test-x', ...extra });
    s = await startStoreGateway(
      testConfig({
        numRetries: 2,
        cooldowns: { allowedFails: 1, cooldownMs: 60_000, disabled: false },
        deployments: [
          on('flaky-1', 'flaky', flaky, { maxRetries: 4, timeoutMs: 300 }),
          on('pair-bad', 'pair', bad),
          on('pair-good', 'pair', good),
          on('limited-1', 'limited', good, { rpm: 2 }),
        ],
      }),
    );
  });
  after(async () => {
    await s.close();
    await Promise.all([flaky.close(), bad.close(), good.close()]);
  });

  it('retries a dropped connection, a timeout, a 500 and a 429 into one clean answer', async () => {
    flaky.queue(
      { drop: true },
      { hang: true },
      { status: 500, headers: { 'retry-after-ms': '50' } },
      {
        status: 429,
        headers: { 'retry-after': '1' },
        body: { error: { message: 'slow down', type: 'rate_limit_error' } },
      },
    );
    const started = Date.now();
    const { data, response } = await s.gateway
      .client()
      .chat.completions.create({ model: 'flaky', ...say('faults-retry') })
      .withResponse();
    assert.ok(data.choices[0]?.message.content, 'one clean answer');
    assert.equal(response.headers.get('x-tollgate-attempted-retries'), '4');
    assert.ok(Date.now() - started >= 1000, 'Retry-After: 1 was waited out');
    assert.equal(flaky.received.length, 5);

    const [request, ...attempts] = await attemptsOf(s, 'faults-retry', 5);
    assert.equal(request?.tollgate_attempts, '5');
    assert.equal(request?.span_status, 'OK');
    assert.deepEqual(
      attempts.map((a) => [
        a.tollgate_deployment_id,
        a.http_response_status_code,
        a.span_status,
        a.error_type ?? null,
      ]),
      [
        ['flaky-1', '0', 'ERROR', 'api_connection_error'],
        ['flaky-1', '0', 'ERROR', 'timeout_error'],
        ['flaky-1', '500', 'ERROR', 'server_error'],
        ['flaky-1', '429', 'ERROR', 'rate_limit_error'],
        ['flaky-1', '200', 'UNSET', null],
      ],
    );
    assert.equal(retryDelay(attempts[0]), undefined, 'the first attempt is no retry');
    assert.equal(retryDelay(attempts[3]), 50, 'retry-after-ms honoured');
    assert.equal(retryDelay(attempts[4]), 1000, 'Retry-After honoured');
    for (const a of attempts.slice(1, 3)) assert.ok((retryDelay(a) ?? 0) > 0, 'backoff recorded as an event');
  });

  it('cools a failing deployment down and answers from the other one', async () => {
    for (let i = 0; i < 30 && bad.received.length < 2; i++) {
      const answer = await s.gateway.client().chat.completions.create({ model: 'pair', ...say(`cool-${i}`) });
      assert.ok(answer.choices[0]?.message.content, 'the client never sees the failing deployment');
    }
    assert.equal(bad.received.length, 2, 'allowed_fails: 1, so two failures cool it down');
    const goodBefore = good.received.length;
    for (let i = 0; i < 8; i++)
      await s.gateway.client().chat.completions.create({ model: 'pair', ...say(`cooled-${i}`) });
    assert.equal(bad.received.length, 2, 'no call to the cooling deployment');
    assert.equal(good.received.length - goodBefore, 8);
    const [request, attempt] = await attemptsOf(s, 'cooled-7', 1);
    assert.equal(request?.tollgate_attempts, '1');
    assert.equal(attempt?.tollgate_deployment_id, 'pair-good');
  });

  it('answers 429 past a deployment rpm, without calling the upstream', async () => {
    await awayFromMinuteEnd();
    const before = good.received.length;
    await s.gateway.client().chat.completions.create({ model: 'limited', ...say('rpm-1') });
    await s.gateway.client().chat.completions.create({ model: 'limited', ...say('rpm-2') });
    await assert.rejects(
      s.gateway.client().chat.completions.create({ model: 'limited', ...say('rpm-3') }),
      (err) => err instanceof OpenAI.RateLimitError && /rpm\/tpm limit/.test(err.message),
    );
    assert.equal(good.received.length - before, 2);
    const [request] = await s.waitForHits(`SELECT * FROM "default" WHERE input_value LIKE '%rpm-3%'`);
    assert.equal(request?.span_status, 'ERROR');
    assert.equal(request?.http_response_status_code, '429');
    assert.equal(request?.tollgate_attempts, '0');
  });
});

describe('latency-based-routing', () => {
  let fast: MockUpstream;
  let slow: MockUpstream;
  let gateway: RunningGateway;
  before(async () => {
    [fast, slow] = await Promise.all([startMockUpstream(), startMockUpstream()]);
    slow.defaultScript = { delayMs: 150 };
    gateway = await startGateway(
      testConfig({
        routingStrategy: 'latency-based-routing',
        deployments: [
          deployment({ id: 'fast', modelName: 'g', model: 'fast', apiBase: fast.url }),
          deployment({ id: 'slow', modelName: 'g', model: 'slow', apiBase: slow.url }),
        ],
      }),
    );
  });
  after(async () => {
    await gateway.close();
    await Promise.all([fast.close(), slow.close()]);
  });

  it('sends the traffic to the faster deployment once both are measured', async () => {
    for (let i = 0; i < 12; i++) await gateway.client().chat.completions.create({ model: 'g', ...say('x') });
    assert.equal(slow.received.length, 1, 'the slow one is measured once, then left alone');
    assert.equal(fast.received.length, 11);
  });
});
