/**
 * Webhooks are not a way into the gateway's own host and network: destinations at loopback, private,
 * link-local and metadata addresses are refused when saved (in every spelling of the address) and when
 * called (a name is resolved and each of its addresses checked), unless the operator allows them; and
 * the history never tells a closed port from a silent one.
 */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { AlertDb } from '../src/alerts/alert-db.ts';
import { Alerts } from '../src/alerts/alerts.ts';
import { ruleSchema } from '../src/alerts/rule.ts';
import { type StoreGateway, startSilentServer, startStoreGatewayWithChat } from './helpers/store-gateway.ts';
import { startWebhookReceiver, type WebhookReceiver } from './helpers/webhook-receiver.ts';

/** Stands in for DNS: these names exist nowhere else, so a call that arrives went through the check. */
const DNS: Record<string, string[]> = {
  'loopback.test': ['127.0.0.1'],
  'mixed.test': ['93.184.216.34', '127.0.0.1'],
  'metadata.test': ['169.254.169.254'],
};
const resolve = async (host: string) =>
  (DNS[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

/** A rule that fires on any traffic, calling the destination named `name`. */
const firesOn = (name: string) =>
  ruleSchema.parse({ name: `to-${name}`, metric: 'error_rate', threshold: 0, destinations: [name] });

describe('webhook destinations', () => {
  let s: StoreGateway;
  let hook: WebhookReceiver;
  let silent: Server;
  let silentPort: number;
  const api = (path: string, method = 'GET', body?: unknown) =>
    fetch(`${s.gateway.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const alertsWith = (allowed: string[], log: string[] = []) =>
    new Alerts({
      db: new AlertDb(':memory:'),
      store: s.store,
      baseUrl: () => s.gateway.url,
      retryDelaysMs: [],
      webhookTimeoutMs: 500,
      webhookAllowedHosts: allowed,
      resolve,
      log: (line) => log.push(line),
    });
  const port = () => new URL(hook.url).port;

  before(async () => {
    hook = await startWebhookReceiver();
    // Accepts connections and never answers: a port that is open, unlike one nothing listens on.
    ({ server: silent, port: silentPort } = await startSilentServer());
    s = await startStoreGatewayWithChat();
  });
  after(async () => {
    await s.close();
    await hook.close();
    silent.closeAllConnections();
    silent.close();
  });

  it('refuses a destination at a loopback, private or metadata address, however it is spelt', async () => {
    for (const host of [
      '127.0.0.1',
      'localhost',
      '[::1]',
      '0x7f000001',
      '2130706433',
      '0177.0.0.1',
      '[::ffff:127.0.0.1]',
      '169.254.169.254',
      '10.0.0.1',
      '0.0.0.0',
    ]) {
      const response = await api('/api/default/alerts/destinations', 'POST', {
        name: 'probe',
        url: `http://${host}:${port()}/hook`,
      });
      assert.equal(response.status, 400, host);
      assert.match(
        ((await response.json()) as { message: string }).message,
        /^Invalid alert: url: destination refused: .* address; allow it with general_settings.webhook_allowed_hosts$/,
      );
    }
    const listed = (await (await api('/api/default/alerts/destinations')).json()) as { list: unknown[] };
    assert.deepEqual(listed.list, [], 'nothing was saved');
    assert.equal(hook.calls.length, 0);
  });

  it('refuses, when calling, a name whose addresses are not all public', async () => {
    const log: string[] = [];
    const alerts = alertsWith([], log);
    for (const name of ['loopback.test', 'mixed.test', 'metadata.test']) {
      alerts.db.saveDestination('default', {
        name,
        type: 'http',
        url: `http://${name}:${port()}/hook`,
        method: 'POST',
        headers: {},
      });
      assert.deepEqual(await alerts.evaluate('default', firesOn(name)), ['(all models)']);
    }
    assert.equal(hook.calls.length, 0, 'no call reached the receiver');
    const history = alerts.db.history('default');
    assert.deepEqual(
      history.map((h) => [h.alert_name, h.delivered, h.error]),
      ['metadata.test', 'mixed.test', 'loopback.test'].map((name) => [
        `to-${name}`,
        false,
        `destination refused: ${name} resolves to a private, loopback or link-local address; allow it with general_settings.webhook_allowed_hosts`,
      ]),
    );
    assert.equal(log.length, 3);
    alerts.db.close();
  });

  it('calls an allowed address through the name it checked, and tells no port from another', async () => {
    const log: string[] = [];
    const alerts = alertsWith(['127.0.0.1'], log);
    const destinations = {
      // Allowed by address: the receiver is called, connected to the address the check approved.
      open: `http://loopback.test:${port()}/hook`,
      // Nothing listens on port 9: ECONNREFUSED.
      closed: 'http://127.0.0.1:9/hook',
      // Open but silent: a timeout.
      silent: `http://127.0.0.1:${silentPort}/hook`,
    };
    for (const [name, url] of Object.entries(destinations)) {
      alerts.db.saveDestination('default', { name, type: 'http', url, method: 'POST', headers: {} });
      await alerts.evaluate('default', firesOn(name));
    }
    assert.equal(hook.calls.length, 1);
    const errors = Object.fromEntries(alerts.db.history('default').map((h) => [h.alert_name, h.error]));
    assert.equal(errors['to-open'], null);
    assert.equal(errors['to-closed'], errors['to-silent'], 'a closed port reads as a silent one');
    assert.match(errors['to-closed'] ?? '', /^could not deliver: no answer from the destination/);
    assert.doesNotMatch(errors['to-closed'] ?? '', /ECONNREFUSED|127\.0\.0\.1|timeout/i);
    assert.ok(
      log.some((line) => /webhook closed failed: .*ECONNREFUSED/.test(line)),
      'the cause is in the log',
    );
    alerts.db.close();
  });
});
