/**
 * LiteLLM's budget alerts to a webhook (`general_settings.alerting: ["webhook"]`, `WEBHOOK_URL`), through
 * the real CLI: a key crossing its soft budget and then its budget, and an end user (the master key's
 * request) within 15 % of its budget, each arrive once, in LiteLLM's WebhookEvent shape, and never
 * carry the key itself.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { call, chat, MASTER, newKey } from './helpers/keys.ts';
import { type MockUpstream, startMockUpstream } from './helpers/mock-upstream.ts';
import { cleanEnv, type Server, startCli } from './helpers/process.ts';
import { tempDir } from './helpers/temp-dir.ts';
import { startWebhookReceiver, type WebhookReceiver } from './helpers/webhook-receiver.ts';

/** The mock's 12 + 7 tokens at $0.001 and $0.002. */
const COST = 12 * 0.001 + 7 * 0.002;

describe('budget alerts to WEBHOOK_URL', () => {
  let upstream: MockUpstream;
  let hook: WebhookReceiver;
  let server: Server;

  before(async () => {
    upstream = await startMockUpstream();
    hook = await startWebhookReceiver();
    const dir = tempDir({});
    const config = join(dir, 'config.yaml');
    writeFileSync(
      config,
      `model_list:\n  - model_name: priced\n    litellm_params: { model: openai/m, api_base: "${upstream.url}", api_key: sk-test-upstream }\n    model_info: { input_cost_per_token: 0.001, output_cost_per_token: 0.002 }\n` +
        `general_settings:\n  master_key: ${MASTER}\n  alerting: [webhook, slack]\n`,
    );
    server = await startCli(['--config', config], {
      env: cleanEnv({ TOLLGATE_TRACE_STORE: join(dir, 'traces.db'), WEBHOOK_URL: hook.url }),
    });
  });
  after(async () => {
    await server?.stop();
    await upstream?.close();
    await hook?.close();
  });

  const events = () => hook.calls.map((c) => JSON.parse(c.body) as Record<string, unknown>);
  /**
   * Waits until `path`'s spend (a key's /key/info, an end user's /end_user/info) has reached `spend`:
   * the requests so far are charged and written, so the next budget check reads them.
   */
  async function charged(path: string, spend: number): Promise<void> {
    for (let i = 0; i < 100; i++) {
      const body = (await call(server.url, path)).body;
      const info = (body.info ?? body) as { spend?: number };
      if (Number(info.spend ?? 0) >= spend - 1e-9) return;
      await sleep(50);
    }
    assert.fail(`${path}: spend never reached ${spend}`);
  }

  it('says at start that Slack alerts are not sent', () => {
    assert.match(server.output(), /general_settings\.alerting "slack" is not supported yet/);
  });

  it("sends a key's soft budget crossing, then its budget crossing, once each", async () => {
    const { key } = await newKey(server.url, {
      key_alias: 'alerted',
      soft_budget: COST / 2,
      max_budget: COST * 1.5,
    });
    assert.equal((await chat(server.url, key, 'priced')).status, 200);
    await charged(`/key/info?key=${key}`, COST);
    assert.equal(events().length, 0, 'nothing spent when the first request was admitted');
    assert.equal((await chat(server.url, key, 'priced')).status, 200);
    await charged(`/key/info?key=${key}`, 2 * COST);
    assert.equal((await chat(server.url, key, 'priced')).status, 400, 'over budget');
    assert.equal((await chat(server.url, key, 'priced')).status, 400);
    for (let i = 0; i < 50 && events().length < 2; i++) await sleep(50);
    await sleep(100);
    const got = events();
    assert.deepEqual(
      got.map((e) => e.event),
      ['soft_budget_crossed', 'budget_crossed'],
      'each once, although two requests were refused',
    );
    const [soft, crossed] = got as [Record<string, unknown>, Record<string, unknown>];
    assert.equal(soft.event_group, 'key');
    assert.equal(soft.key_alias, 'alerted');
    assert.equal(soft.token, createHash('sha256').update(key).digest('hex'));
    assert.ok(Math.abs(Number(soft.spend) - COST) < 1e-9);
    assert.equal(soft.soft_budget, COST / 2);
    assert.ok(Math.abs(Number(crossed.spend) - 2 * COST) < 1e-9);
    assert.equal(crossed.max_budget, COST * 1.5);
    assert.equal(typeof crossed.event_message, 'string');
    for (const call of hook.calls) assert.ok(!call.body.includes(key), 'the key never leaves');
    assert.equal(hook.calls[0]?.headers['content-type'], 'application/json');
  });

  it("sends an end user's 15 % threshold for the master key's requests", async () => {
    hook.calls.length = 0;
    assert.equal(
      (await call(server.url, '/end_user/new', { user_id: 'cust-a', max_budget: COST * 1.1 })).status,
      200,
    );
    assert.equal((await chat(server.url, MASTER, 'priced', { user: 'cust-a' })).status, 200);
    await charged('/end_user/info?end_user_id=cust-a', COST);
    assert.equal((await chat(server.url, MASTER, 'priced', { user: 'cust-a' })).status, 200, 'under budget');
    for (let i = 0; i < 50 && events().length < 1; i++) await sleep(50);
    const [threshold] = events();
    assert.equal(threshold?.event, 'threshold_crossed');
    assert.equal(threshold?.event_group, 'customer');
    assert.equal(threshold?.customer_id, 'cust-a');
    assert.equal(threshold?.token, null);
  });
});
