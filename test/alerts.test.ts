/**
 * Alerts end to end: a rule over the gateway's own spans, a local webhook receiver, errors caused
 * through the gateway; the webhook is called once with the rendered template, retried when it fails,
 * and the history records the firing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { deployment, testConfig } from './helpers/gateway-server.ts';
import { mockDeployment } from './helpers/mock-deployment.ts';
import { type StoreGateway, startStoreGateway } from './helpers/store-gateway.ts';
import { startWebhookReceiver, type WebhookReceiver } from './helpers/webhook-receiver.ts';

const TEMPLATE =
  '{"text":"{alert_name} {alert_type}: {model} error rate {value} {operator} {threshold}","count":{alert_count}}';

describe('alerts', () => {
  let s: StoreGateway;
  let hook: WebhookReceiver;
  const api = (path: string, method = 'GET', body?: unknown) =>
    fetch(`${s.gateway.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  before(async () => {
    hook = await startWebhookReceiver();
    s = await startStoreGateway(
      testConfig({
        // The receiver is on this host: loopback, refused unless allowed.
        webhookAllowedHosts: ['127.0.0.1'],
        deployments: [
          mockDeployment('demo'),
          deployment({
            modelName: 'broken',
            model: 'gpt-4o-mini',
            apiBase: 'http://127.0.0.1:9/v1',
            apiKey: 'sk-test-x',
          }),
        ],
      }),
    );
  });
  after(async () => {
    await s.close();
    await hook.close();
  });

  it('refuses a rule that does not fit, naming the field', async () => {
    const response = await api('/api/v2/default/alerts', 'POST', {
      name: 'x',
      metric: 'latency',
      threshold: 1,
    });
    assert.equal(response.status, 400);
    assert.match(((await response.json()) as { message: string }).message, /metric/);
  });

  it('calls the webhook once with the rendered template when a model errs, and records it', async () => {
    const destination = {
      name: 'hook',
      url: hook.url,
      headers: { authorization: 'Bearer sk-test-hook-secret' },
    };
    assert.equal((await api('/api/default/alerts/destinations', 'POST', destination)).status, 200);
    const listed = (await (await api('/api/default/alerts/destinations')).json()) as {
      list: Array<{ headers: Record<string, string> }>;
    };
    assert.equal(listed.list[0]?.headers.authorization, '***', 'secrets are not sent back');
    const rule = {
      name: 'errors',
      metric: 'error_rate',
      per_model: true,
      period: 5,
      operator: '>=',
      threshold: 0.5,
      destinations: ['hook'],
      template: TEMPLATE,
    };
    assert.equal((await api('/api/v2/default/alerts', 'POST', rule)).status, 200);
    assert.equal((await api('/api/v2/default/alerts', 'POST', rule)).status, 409);

    const client = s.gateway.client();
    await client.chat.completions.create({ model: 'demo', messages: [{ role: 'user', content: 'fine' }] });
    for (let i = 0; i < 3; i++)
      await client.chat.completions
        .create({ model: 'broken', messages: [{ role: 'user', content: 'x' }] })
        .catch(() => {});
    await s.waitForHits(`SELECT * FROM "default" WHERE operation_name = 'ChatCompletion'`, 4);

    const first = await api('/api/v2/default/alerts/errors/evaluate', 'POST');
    assert.deepEqual(await first.json(), { firing: ['gpt-4o-mini'] });
    await api('/api/v2/default/alerts/errors/evaluate', 'POST');
    assert.equal(hook.calls.length, 1, 'a rule that keeps firing calls once');
    assert.deepEqual(JSON.parse(hook.calls[0]?.body ?? ''), {
      text: 'errors firing: gpt-4o-mini error rate 1 >= 0.5',
      count: 1,
    });
    assert.equal(hook.calls[0]?.headers.authorization, 'Bearer sk-test-hook-secret');
    const history = (await (await api('/api/default/alerts/history')).json()) as {
      list: Array<{ alert_name: string; kind: string; group: string; delivered: boolean }>;
    };
    assert.equal(history.list.length, 1);
    assert.deepEqual(
      { ...history.list[0], at: undefined, value: undefined, attempts: undefined, error: undefined },
      {
        alert_name: 'errors',
        kind: 'firing',
        group: 'gpt-4o-mini',
        delivered: true,
        at: undefined,
        value: undefined,
        attempts: undefined,
        error: undefined,
      },
    );
  });

  it('evaluates due rules on its schedule, each every `frequency` minutes', async () => {
    hook.calls.length = 0;
    const rule = {
      name: 'scheduled',
      metric: 'error_rate',
      model: 'gpt-4o-mini',
      frequency: 2,
      threshold: 0.5,
      destinations: ['hook'],
    };
    assert.equal((await api('/api/v2/default/alerts', 'POST', rule)).status, 200);
    const now = Date.now();
    await s.alerts.tick(now);
    const calls = hook.calls.filter((c) => c.body.includes('"scheduled"'));
    assert.equal(calls.length, 1, 'the first tick evaluates it and it fires');
    assert.equal(JSON.parse(calls[0]?.body ?? '{}').alert_type, 'firing');
    await s.alerts.tick(now + 60_000);
    await s.alerts.tick(now + 2 * 60_000);
    assert.equal(
      hook.calls.filter((c) => c.body.includes('"scheduled"')).length,
      1,
      'still firing: no new call',
    );
    assert.equal((await api('/api/v2/default/alerts/scheduled', 'DELETE')).status, 200);
  });

  it('retries a webhook that fails, and records a recovery when the rule no longer holds', async () => {
    hook.calls.length = 0;
    hook.failures.push(500);
    // Raising the threshold above the error rate ends the firing: a recovery, delivered on the second try.
    const rule = {
      metric: 'error_rate',
      per_model: true,
      threshold: 2,
      destinations: ['hook'],
      template: TEMPLATE,
    };
    assert.equal((await api('/api/v2/default/alerts/errors', 'PUT', rule)).status, 200);
    assert.deepEqual(await (await api('/api/v2/default/alerts/errors/evaluate', 'POST')).json(), {
      firing: [],
    });
    assert.equal(hook.calls.length, 2);
    assert.match(hook.calls[1]?.body ?? '', /errors recovered: gpt-4o-mini/);
    const history = (await (await api('/api/default/alerts/history')).json()) as {
      list: Array<{ kind: string; attempts: number; delivered: boolean }>;
    };
    assert.equal(history.list[0]?.kind, 'recovered');
    assert.equal(history.list[0]?.attempts, 2);
    assert.equal(history.list[0]?.delivered, true);
    assert.equal((await api('/api/v2/default/alerts/errors', 'DELETE')).status, 200);
    assert.equal((await api('/api/v2/default/alerts/errors')).status, 404);
  });
});
