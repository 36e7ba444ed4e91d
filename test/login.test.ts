/**
 * LiteLLM's `POST /login` form: admin and the master key (or UI_USERNAME / UI_PASSWORD) are a 303 to
 * the UI, which then loads (a 200 once the redirect is followed); anything else is a 401. No cookie
 * carries the key.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type RunningGateway, startGateway, testConfig } from './helpers/gateway-server.ts';
import { type StoreGateway, startStoreGateway } from './helpers/store-gateway.ts';

const MASTER = 'sk-test-login-master';
const login = (url: string, fields: Record<string, string>, redirect: 'manual' | 'follow' = 'manual') =>
  fetch(`${url}/login`, { method: 'POST', body: new URLSearchParams(fields), redirect });

describe('POST /login', () => {
  let s: StoreGateway;
  let custom: RunningGateway;

  before(async () => {
    s = await startStoreGateway(testConfig({ masterKey: MASTER }));
    custom = await startGateway(
      testConfig({ masterKey: MASTER, uiLogin: { username: 'ops', password: 'ui-secret' } }),
    );
  });
  after(async () => {
    await s.close();
    await custom.close();
  });

  it('takes admin and the master key: a 303 to the UI, no cookie', async () => {
    const res = await login(s.gateway.url, { username: 'admin', password: MASTER });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/ui/?login=success');
    assert.equal(res.headers.get('set-cookie'), null);
  });

  it('is a 200 once the redirect is followed', async () => {
    const res = await login(s.gateway.url, { username: 'admin', password: MASTER }, 'follow');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
  });

  it('refuses a wrong password or user with a 401', async () => {
    const tries: Array<Record<string, string>> = [
      { username: 'admin', password: 'sk-wrong' },
      { username: 'root', password: MASTER },
      { username: 'admin' },
    ];
    for (const fields of tries) {
      const res = await login(s.gateway.url, fields);
      assert.equal(res.status, 401, JSON.stringify(fields));
      assert.match(await res.text(), /Invalid credentials/);
    }
  });

  it('takes UI_USERNAME and UI_PASSWORD instead when they are set', async () => {
    assert.equal((await login(custom.url, { username: 'ops', password: 'ui-secret' })).status, 303);
    assert.equal((await login(custom.url, { username: 'admin', password: MASTER })).status, 401);
  });
});
