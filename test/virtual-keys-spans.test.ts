/**
 * The request span of a virtual key's request names who made it — key alias and name, user, team,
 * organization, end user — so OpenObserve and the UI can group by them, refused requests included; the
 * key and its hash never reach an exporter.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { exportTargets } from '../src/telemetry/export-targets.ts';
import { createTelemetry, type Telemetry } from '../src/telemetry/telemetry.ts';
import { deployment, type RunningGateway, startGateway, testConfig } from './helpers/gateway-server.ts';
import { call, chat, MASTER, newKey } from './helpers/keys.ts';
import { type MockUpstream, startMockUpstream } from './helpers/mock-upstream.ts';
import { type Receiver, startReceiver } from './helpers/openobserve-receiver.ts';

describe('virtual keys on the request span', () => {
  let receiver: Receiver;
  let upstream: MockUpstream;
  let gateway: RunningGateway;
  let telemetry: Telemetry | undefined;

  before(async () => {
    receiver = await startReceiver();
    upstream = await startMockUpstream();
    telemetry = createTelemetry({
      targets: exportTargets({ OPENOBSERVE_URL: receiver.url, OPENOBSERVE_AUTH_TOKEN: 'Basic dGVzdDp0ZXN0' }),
      serviceName: 'tollgate',
      version: 'test',
      hideInputs: false,
      hideOutputs: false,
      maxValueLength: 32 * 1024,
    });
    gateway = await startGateway(
      testConfig({
        masterKey: MASTER,
        deployments: [
          deployment({ modelName: 'allowed', model: 'gpt-4o-mini', apiBase: upstream.url }),
          deployment({ modelName: 'forbidden', model: 'gpt-4o-mini', apiBase: upstream.url }),
        ],
      }),
      telemetry,
      undefined,
      undefined,
      { sqlitePath: ':memory:' },
    );
  });
  after(async () => {
    await gateway.close();
    await telemetry?.shutdown();
    await upstream.close();
    await receiver.close();
  });

  it('names the key, its user, team and organization, and the end user', async () => {
    const accounts = gateway.keys?.accounts;
    assert.ok(accounts);
    await accounts.tables.teams.insert(accounts.db, {
      team_id: 'team-red',
      team_alias: 'Red team',
      organization_id: 'org-1',
    });
    await accounts.changed();
    const { key, token } = await newKey(gateway.url, {
      key_alias: 'research-bot',
      user_id: 'user-ann',
      team_id: 'team-red',
      models: ['allowed'],
    });
    assert.equal((await chat(gateway.url, key, 'allowed', { user: 'customer-9' })).status, 200);
    const row = await receiver.waitFor(
      (r) => r.tollgate_key_alias === 'research-bot' && r.http_response_status_code === 200,
    );
    assert.equal(row.tollgate_key_name, `sk-...${key.slice(-4)}`);
    assert.equal(row.tollgate_key_user_id, 'user-ann');
    assert.equal(row.tollgate_team_id, 'team-red');
    assert.equal(row.tollgate_team_alias, 'Red team');
    assert.equal(row.tollgate_organization_id, 'org-1');
    assert.equal(row.tollgate_end_user, 'customer-9');

    assert.equal((await chat(gateway.url, key, 'forbidden')).status, 401);
    const refused = await receiver.waitFor(
      (r) => r.tollgate_key_alias === 'research-bot' && r.http_response_status_code === 401,
    );
    assert.equal(refused.error_type, 'key_model_access_denied');

    const exported = Buffer.concat(receiver.requests.map((r) => r.bytes)).toString('latin1');
    assert.equal(exported.includes(key), false, 'the key is never exported');
    assert.equal(exported.includes(token), false, 'nor its hash');
    assert.equal((await call(gateway.url, '/key/delete', { keys: [key] })).status, 200);
  });
});
