/**
 * Two real gateway processes sharing one real Redis server (router_settings.redis_url): an rpm limit
 * holds across both, a deployment cooled down by one is skipped by the other, and a gateway whose
 * Redis is unreachable still answers from its own memory.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { awayFromMinuteEnd } from './helpers/minute.ts';
import { type MockUpstream, startMockUpstream } from './helpers/mock-upstream.ts';
import { cleanEnv, type Server, startCli } from './helpers/process.ts';
import { type RedisServer, redisMissing, startRedis } from './helpers/redis-server.ts';

const client = (server: Server) =>
  new OpenAI({ apiKey: 'sk-test-unused', baseURL: `${server.url}/v1`, maxRetries: 0 });
const ask = (server: Server, model: string) =>
  client(server).chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });

function configFile(dir: string, redisUrl: string, good: MockUpstream, bad: MockUpstream): void {
  const at = (id: string, group: string, upstream: MockUpstream, extra = '') =>
    `  - model_name: ${group}\n    litellm_params: { model: openai/m, api_base: "${upstream.url}", api_key: sk-test-x${extra} }\n    model_info: { id: ${id} }\n`;
  writeFileSync(
    join(dir, 'config.yaml'),
    'model_list:\n' +
      at('limited-1', 'limited', good, ', rpm: 3') +
      at('pair-bad', 'pair', bad) +
      at('pair-good', 'pair', good) +
      at('both-bad-1', 'both-bad', bad) +
      at('both-bad-2', 'both-bad', bad) +
      `router_settings:\n  redis_url: "${redisUrl}"\n  allowed_fails: 1\n  cooldown_time: 60\n  num_retries: 3\n`,
  );
}

/** Waits out the last seconds of a minute, so per-minute counters do not reset mid-test. */
describe('routing state shared through Redis by two gateway processes', { skip: redisMissing }, () => {
  let redis: RedisServer;
  let good: MockUpstream;
  let bad: MockUpstream;
  let a: Server;
  let b: Server;
  let dir: string;

  before(async () => {
    redis = await startRedis();
    good = await startMockUpstream();
    bad = await startMockUpstream();
    bad.defaultScript = { status: 500, body: { error: { message: 'down', type: 'server_error' } } };
    dir = mkdtempSync(join(tmpdir(), 'tollgate-redis-'));
    configFile(dir, redis.url, good, bad);
    [a, b] = await Promise.all([
      startCli(['--config', 'config.yaml'], { cwd: dir, env: cleanEnv() }),
      startCli(['--config', 'config.yaml'], { cwd: dir, env: cleanEnv() }),
    ]);
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await Promise.all([good?.close(), bad?.close(), redis?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts one rpm limit across both processes', async () => {
    await awayFromMinuteEnd();
    const before = good.received.length;
    await ask(a, 'limited');
    await ask(b, 'limited');
    await ask(a, 'limited');
    await assert.rejects(ask(b, 'limited'), (err) => {
      assert.ok(err instanceof OpenAI.RateLimitError, String(err));
      assert.match(err.message, /rpm\/tpm limit/);
      assert.ok(Number(err.headers?.get('retry-after')) > 0, 'Retry-After is set');
      return true;
    });
    await assert.rejects(ask(a, 'limited'), OpenAI.RateLimitError);
    assert.equal(good.received.length - before, 3, 'the upstream got exactly rpm requests');
  });

  it('skips in one process a deployment that cooled down in the other', async () => {
    // Through A until the bad deployment has failed twice (allowed_fails: 1): A's clients still get
    // answers, from the good deployment on retry.
    for (let i = 0; i < 40 && bad.received.length < 2; i++) {
      const answer = await ask(a, 'pair');
      assert.ok(answer.choices[0]?.message.content);
    }
    assert.equal(bad.received.length, 2);
    const badBefore = bad.received.length;
    const goodBefore = good.received.length;
    for (let i = 0; i < 10; i++) await ask(b, 'pair');
    assert.equal(bad.received.length, badBefore, 'B never called the deployment A cooled down');
    assert.equal(good.received.length - goodBefore, 10);
  });

  it('answers 429 from B when A has cooled every deployment of a group down', async () => {
    // Two failures each (allowed_fails: 1), through A; num_retries tries both deployments.
    for (let i = 0; i < 6; i++) await ask(a, 'both-bad').catch(() => undefined);
    const calls = bad.received.length;
    await assert.rejects(ask(b, 'both-bad'), (err) => {
      assert.ok(err instanceof OpenAI.RateLimitError, String(err));
      assert.match(err.message, /cooling down/);
      return true;
    });
    assert.equal(bad.received.length, calls, 'no upstream call while every deployment cools down');
  });

  it('keeps answering when Redis goes away mid-run', async () => {
    await redis.stop();
    const answer = await ask(a, 'pair');
    assert.ok(answer.choices[0]?.message.content, 'routing falls back to the process memory');
  });
});

describe('a gateway whose Redis is unreachable', () => {
  it('still routes, from its own memory, and says so in its log', async () => {
    const good = await startMockUpstream();
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-redis-'));
    writeFileSync(
      join(dir, 'config.yaml'),
      `model_list:\n  - model_name: m\n    litellm_params: { model: openai/m, api_base: "${good.url}", api_key: sk-test-x, rpm: 2 }\n` +
        // Port 9 (discard) on loopback: nothing listens there.
        'router_settings:\n  redis_host: 127.0.0.1\n  redis_port: 9\n',
    );
    const server = await startCli(['--config', 'config.yaml'], { cwd: dir, env: cleanEnv() });
    try {
      await awayFromMinuteEnd();
      await ask(server, 'm');
      await ask(server, 'm');
      await assert.rejects(ask(server, 'm'), OpenAI.RateLimitError, 'the rpm limit holds in memory');
      assert.match(server.output(), /Redis is unavailable/);
    } finally {
      await server.stop();
      await good.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
