/**
 * Webhooks that never answer hold up neither their own rule nor the others: a rule's destinations are
 * called together, each try waits at most the webhook timeout, and due rules are evaluated side by side.
 * Three hanging receivers and one that answers: the answering one is called at once, and the whole
 * evaluation takes about one timeout, not three (before, it waited on each in turn, without a limit).
 */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, it } from 'node:test';
import { AlertDb } from '../src/alerts/alert-db.ts';
import { Alerts } from '../src/alerts/alerts.ts';
import { ruleSchema } from '../src/alerts/rule.ts';
import { type StoreGateway, startSilentServer, startStoreGatewayWithChat } from './helpers/store-gateway.ts';
import { startWebhookReceiver, type WebhookReceiver } from './helpers/webhook-receiver.ts';

const TIMEOUT_MS = 1500;
const sleep = (ms: number) => new Promise<'late'>((r) => setTimeout(() => r('late'), ms).unref());

let s: StoreGateway;
let hook: WebhookReceiver;
const hanging: Server[] = [];

before(async () => {
  hook = await startWebhookReceiver();
  for (let i = 0; i < 3; i++) {
    hanging.push((await startSilentServer()).server);
  }
  s = await startStoreGatewayWithChat();
});
after(async () => {
  for (const server of hanging) {
    server.closeAllConnections();
    server.close();
  }
  await s.close();
  await hook.close();
});

it('evaluates in about one webhook timeout with three hanging webhooks, and holds no other rule', async () => {
  const alerts = new Alerts({
    db: new AlertDb(':memory:'),
    store: s.store,
    baseUrl: () => s.gateway.url,
    retryDelaysMs: [],
    webhookTimeoutMs: TIMEOUT_MS,
    webhookAllowedHosts: ['127.0.0.1'],
  });
  const destination = (name: string, url: string) =>
    alerts.db.saveDestination('default', { name, type: 'http', url, method: 'POST', headers: {} });
  for (const [i, server] of hanging.entries())
    destination(`hang-${i}`, `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`);
  destination('answers', hook.url);
  // Both fire on any traffic; the hanging rule's name sorts first, so a tick that ran rules one after
  // the other would reach the answering one only after it.
  const rule = (name: string, destinations: string[]) =>
    alerts.db.saveRule(
      'default',
      ruleSchema.parse({ name, metric: 'error_rate', threshold: 0, destinations }),
    );
  rule('a-hangs', ['hang-0', 'hang-1', 'hang-2']);
  rule('b-answers', ['answers']);

  const started = Date.now();
  const tick = alerts.tick(started).then(() => Date.now() - started);
  let calledAfter = Number.POSITIVE_INFINITY;
  while (hook.calls.length === 0 && Date.now() - started < 5 * TIMEOUT_MS) await sleep(20);
  if (hook.calls.length > 0) calledAfter = Date.now() - started;
  const took = await Promise.race([tick, sleep(8 * TIMEOUT_MS)]);

  assert.ok(calledAfter < TIMEOUT_MS, `the answering webhook was called after ${calledAfter} ms`);
  assert.ok(took !== 'late' && took < 2.5 * TIMEOUT_MS, `the evaluation took ${took} ms`);
  const history = alerts.db.history('default');
  assert.deepEqual(history.map((h) => [h.alert_name, h.delivered]).sort(), [
    ['a-hangs', false],
    ['b-answers', true],
  ]);
  alerts.db.close();
});
