/**
 * Two gateway processes sharing one PostgreSQL, as replicas behind a load balancer: a key's rpm limit
 * and budget hold across both, and a key blocked through one is refused by the other at once. Also two
 * processes sharing the embedded SQLite file (--num_workers' case).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { call, chat, errorOf, MASTER, newKey } from './helpers/keys.ts';
import { awayFromMinuteEnd } from './helpers/minute.ts';
import { type MockUpstream, startMockUpstream } from './helpers/mock-upstream.ts';
import { freshDatabase, postgresMissing } from './helpers/postgres.ts';
import { cleanEnv, type Server, startCli } from './helpers/process.ts';
import { tempDir } from './helpers/temp-dir.ts';

/** The mock's 12 + 7 tokens at $0.001 and $0.002: $0.026 a request. */
const COST = 12 * 0.001 + 7 * 0.002;

function replicaTests(label: string, env: () => Promise<Record<string, string>>, skip?: string) {
  describe(`two gateway processes sharing ${label}`, { skip }, () => {
    let upstream: MockUpstream;
    let a: Server;
    let b: Server;

    before(async () => {
      upstream = await startMockUpstream();
      const dir = tempDir({});
      const config = join(dir, 'config.yaml');
      writeFileSync(
        config,
        `model_list:\n  - model_name: priced\n    litellm_params: { model: openai/my-model, api_base: "${upstream.url}", api_key: sk-test-upstream }\n    model_info: { input_cost_per_token: 0.001, output_cost_per_token: 0.002 }\ngeneral_settings:\n  master_key: ${MASTER}\n`,
      );
      const extra = await env();
      const options = { env: cleanEnv({ TOLLGATE_TRACE_STORE: join(dir, 'traces.db'), ...extra }) };
      a = await startCli(['--config', config], options);
      b = await startCli(['--config', config], options);
    });
    after(async () => {
      await a?.stop();
      await b?.stop();
      await upstream?.close();
    });

    it('holds an rpm limit across both', async () => {
      await awayFromMinuteEnd();
      const { key } = await newKey(a.url, { rpm_limit: 4 });
      const statuses = [];
      for (let i = 0; i < 4; i++) {
        statuses.push((await chat(a.url, key, 'priced')).status, (await chat(b.url, key, 'priced')).status);
      }
      assert.deepEqual(
        statuses.filter((s) => s === 200).length,
        4,
        `4 of 8 pass, whichever replica: ${statuses}`,
      );
      assert.equal(statuses.filter((s) => s === 429).length, 4);
    });

    it('holds max_parallel_requests across both', async () => {
      const { key } = await newKey(a.url, { max_parallel_requests: 1 });
      upstream.queue({ delayMs: 500 }, { delayMs: 500 });
      const [x, y] = await Promise.all([chat(a.url, key, 'priced'), chat(b.url, key, 'priced')]);
      assert.deepEqual([x.status, y.status].sort(), [200, 429], 'one in flight, whichever replica');
      const refused = x.status === 429 ? x : y;
      assert.match(String(errorOf(refused).message), /max_parallel_requests 1/);
      // The answer is sent before the slot's row is written back: give that write a moment.
      let again = 0;
      for (let i = 0; i < 30 && again !== 200; i++) {
        if (i > 0) await sleep(100);
        again = (await chat(x.status === 429 ? a.url : b.url, key, 'priced')).status;
      }
      assert.equal(again, 200, 'the slot is free again, for the other replica too');
    });

    it('holds a budget across both: spend charged by one is seen by the other', async () => {
      const { key } = await newKey(b.url, { max_budget: COST * 1.5 });
      assert.equal((await chat(a.url, key, 'priced')).status, 200);
      await sleep(200);
      assert.equal((await chat(b.url, key, 'priced')).status, 200, 'under budget after one request');
      await sleep(200);
      const over = await chat(a.url, key, 'priced');
      assert.equal(over.status, 400);
      assert.equal(errorOf(over).type, 'budget_exceeded');
      const info = await call(b.url, `/key/info?key=${key}`);
      const spend = Number((info.body.info as Record<string, unknown>).spend);
      assert.ok(Math.abs(spend - 2 * COST) < 1e-9, `both requests charged exactly once: ${spend}`);
    });

    it('refuses a key blocked through the other replica at once', async () => {
      const { key } = await newKey(a.url);
      assert.equal((await chat(b.url, key, 'priced')).status, 200, 'b has looked the key up (and cached it)');
      assert.equal((await call(a.url, '/key/block', { key })).status, 200);
      await sleep(100);
      assert.equal((await chat(b.url, key, 'priced')).status, 401);
      assert.equal((await call(a.url, '/key/delete', { keys: [key] })).status, 200);
    });
  });
}

replicaTests('PostgreSQL', async () => ({ DATABASE_URL: await freshDatabase() }), postgresMissing);
replicaTests('the SQLite file', async () => ({}));
