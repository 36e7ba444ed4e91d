/**
 * Webhook secrets (URL paths and queries, header values) are never shown back once saved, an edit that
 * sends the masked values back keeps them, and alerts.db holds them sealed: a copy of the file alone
 * does not reveal them. Rows stored in plain text by an older version are sealed when it opens.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, it } from 'node:test';
import { AlertDb, UnreadableDestination } from '../src/alerts/alert-db.ts';
import type { Destination } from '../src/alerts/rule.ts';
import { type StoreGateway, startStoreGatewayWithChat } from './helpers/store-gateway.ts';
import { tempDir } from './helpers/temp-dir.ts';
import { startWebhookReceiver, type WebhookReceiver } from './helpers/webhook-receiver.ts';

const SECRETS = ['sk-test-path-secret', 'sk-test-query-secret', 'sk-test-header-secret'];

const destination = (url: string): Destination => ({
  name: 'chat',
  type: 'http',
  url: `${url}/${SECRETS[0]}?token=${SECRETS[1]}`,
  method: 'POST',
  headers: { authorization: `Bearer ${SECRETS[2]}` },
});

/** Every byte of the files in `dir` (the database, its WAL and shared memory, the key), as text. */
const filesOf = (dir: string) =>
  readdirSync(dir)
    .map((f) => readFileSync(join(dir, f), 'latin1'))
    .join('\n');

describe('webhook secrets over the API', () => {
  let s: StoreGateway;
  let hook: WebhookReceiver;
  const api = async (path: string, method = 'GET', body?: unknown) => {
    const response = await fetch(`${s.gateway.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, text: await response.text() };
  };

  before(async () => {
    hook = await startWebhookReceiver();
    s = await startStoreGatewayWithChat({ webhookAllowedHosts: ['127.0.0.1'] });
  });
  after(async () => {
    await s.close();
    await hook.close();
  });

  it('shows a saved destination masked, and an edit sending the masks back keeps the secrets', async () => {
    const { name, url, headers } = destination(hook.url);
    assert.equal((await api('/api/default/alerts/destinations', 'POST', { name, url, headers })).status, 200);
    const list = await api('/api/default/alerts/destinations');
    const one = await api('/api/default/alerts/destinations/chat');
    for (const shown of [list.text, one.text])
      for (const secret of SECRETS) assert.ok(!shown.includes(secret), `${secret} in ${shown}`);
    const masked = JSON.parse(one.text) as Destination;
    assert.equal(masked.url, `${hook.url}/***?token=***`);
    assert.deepEqual(masked.headers, { authorization: '***' });
    assert.deepEqual((JSON.parse(list.text) as { list: Destination[] }).list, [masked]);

    // The UI's round trip: what GET showed, with one field changed.
    const edited = { ...masked, template: '{"text":"{alert_name} after the edit"}' };
    assert.equal((await api('/api/default/alerts/destinations/chat', 'PUT', edited)).status, 200);
    const rule = { name: 'any', metric: 'error_rate', threshold: 0, destinations: ['chat'] };
    assert.equal((await api('/api/v2/default/alerts', 'POST', rule)).status, 200);
    assert.equal((await api('/api/v2/default/alerts/any/evaluate', 'POST')).status, 200);
    assert.equal(hook.calls.length, 1);
    assert.equal(hook.calls[0]?.url, `/hook/${SECRETS[0]}?token=${SECRETS[1]}`);
    assert.equal(hook.calls[0]?.headers.authorization, `Bearer ${SECRETS[2]}`);
    assert.equal(hook.calls[0]?.body, '{"text":"any after the edit"}');
  });

  it('refuses a masked value that hides no stored secret', async () => {
    const response = await api('/api/default/alerts/destinations', 'POST', {
      name: 'other',
      url: `${hook.url}/***`,
    });
    assert.equal(response.status, 400);
    assert.match(response.text, /url: \*\*\* is a masked value/);
  });
});

describe('webhook secrets at rest', () => {
  it('seals them in alerts.db with a key in alerts.key (0600), readable again after a restart', () => {
    const dir = tempDir();
    const db = new AlertDb(join(dir, 'traces.db'));
    db.saveDestination('default', destination('https://hooks.example.com/h'));
    db.close();
    for (const secret of SECRETS) assert.ok(!filesOf(dir).includes(secret), secret);
    assert.equal(statSync(join(dir, 'alerts.key')).mode & 0o777, 0o600);
    const reopened = new AlertDb(join(dir, 'traces.db'));
    assert.deepEqual(reopened.destinations('default'), [destination('https://hooks.example.com/h')]);
    reopened.close();
  });

  it('seals the rows an older version stored in plain text, and drops network details from the history', () => {
    const dir = tempDir();
    const old = new DatabaseSync(join(dir, 'alerts.db'));
    old.exec(`CREATE TABLE rules (org TEXT NOT NULL, name TEXT NOT NULL, body TEXT NOT NULL,
        updated_at INTEGER NOT NULL, PRIMARY KEY (org, name));
      CREATE TABLE destinations (org TEXT NOT NULL, name TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (org, name));
      CREATE TABLE history (id INTEGER PRIMARY KEY, org TEXT NOT NULL, alert_name TEXT NOT NULL, kind TEXT NOT NULL,
        grp TEXT, value REAL, at INTEGER NOT NULL, delivered INTEGER NOT NULL, attempts INTEGER NOT NULL, error TEXT);
      CREATE INDEX history_at ON history (org, at);
      PRAGMA user_version = 1;`);
    old
      .prepare('INSERT INTO destinations VALUES (?, ?, ?)')
      .run('default', 'chat', JSON.stringify(destination('https://hooks.example.com/h')));
    old
      .prepare("INSERT INTO history VALUES (1, 'default', 'probe', 'firing', NULL, 1, 1, 0, 3, ?)")
      .run('connect ECONNREFUSED ::1:9555');
    old.close();

    const db = new AlertDb(join(dir, 'traces.db'));
    assert.deepEqual(db.destinations('default'), [destination('https://hooks.example.com/h')]);
    assert.equal(db.history('default')[0]?.error, 'could not deliver: no answer from the destination');
    db.close();
    for (const secret of SECRETS) assert.ok(!filesOf(dir).includes(secret), secret);
  });

  it('seals with a key derived from the master key when there is one; another master key cannot open them', () => {
    const dir = tempDir();
    const store = join(dir, 'traces.db');
    // Sealed with alerts.key first, then the master key is set: resealed with the master key's.
    const before = new AlertDb(store);
    before.saveDestination('default', destination('https://hooks.example.com/h'));
    before.close();
    new AlertDb(store, 'sk-test-master-1').close();
    // Now the master key alone opens it.
    rmSync(join(dir, 'alerts.key'));
    const withKey = new AlertDb(store, 'sk-test-master-1');
    assert.equal(withKey.destinations('default').length, 1);
    withKey.close();

    const rotated = new AlertDb(store, 'sk-test-master-2');
    assert.deepEqual(rotated.destinations('default'), []);
    assert.deepEqual(rotated.unreadable, ['default/chat']);
    assert.throws(() => rotated.destination('default', 'chat'), UnreadableDestination);
    rotated.close();

    const fresh = tempDir();
    new AlertDb(join(fresh, 'traces.db'), 'sk-test-master-1').close();
    assert.equal(existsSync(join(fresh, 'alerts.key')), false, 'no key file with a master key');
  });
});
