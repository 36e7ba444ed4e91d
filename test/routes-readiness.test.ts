/** `/routes` and the readiness fields LiteLLM's clients read, with and without the accounts database. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { deployment, type RunningGateway, startGateway, testConfig } from './helpers/gateway-server.ts';
import { type MockUpstream, startMockUpstream } from './helpers/mock-upstream.ts';

describe('/routes and /health/readiness', () => {
  let upstream: MockUpstream;
  let withDb: RunningGateway;
  let withoutDb: RunningGateway;

  before(async () => {
    upstream = await startMockUpstream();
    const config = testConfig({
      masterKey: 'sk-test-master',
      deployments: [
        deployment({ modelName: 'one', model: 'up-one', apiBase: upstream.url }),
        deployment({ modelName: 'two', model: 'up-two', apiBase: upstream.url }),
      ],
    });
    withDb = await startGateway(config, undefined, undefined, undefined, { sqlitePath: ':memory:' });
    withoutDb = await startGateway(config);
  });
  after(async () => {
    await withDb.close();
    await withoutDb.close();
    await upstream.close();
  });

  it("reports readiness with LiteLLM's fields, the database's state among them", async () => {
    const res = await fetch(`${withDb.url}/health/readiness`);
    assert.equal(res.status, 200);
    const ready = (await res.json()) as Record<string, unknown>;
    assert.equal(ready.status, 'healthy');
    assert.equal(ready.db, 'connected');
    assert.equal(ready.litellm_version, 'test');
    assert.equal(ready.version, 'test');
    assert.equal(ready.cache, null);
    assert.deepEqual(ready.success_callbacks, []);
    assert.match(String(ready.last_updated), /^\d{4}-\d{2}-\d{2}T/);
    const bare = (await (await fetch(`${withoutDb.url}/health/readiness`)).json()) as Record<string, unknown>;
    assert.equal(bare.db, 'Not connected');
    assert.equal(bare.litellm_version, 'test');
    assert.ok(!('last_updated' in bare));
  });

  it('lists every route, without a key', async () => {
    const res = await fetch(`${withDb.url}/routes`);
    assert.equal(res.status, 200);
    const { routes } = (await res.json()) as {
      routes: Array<{ path: string; methods: string[]; name: string; endpoint: string }>;
    };
    const find = (path: string) => routes.find((r) => r.path === path);
    assert.deepEqual(find('/v1/chat/completions')?.methods, ['POST']);
    assert.deepEqual(find('/health/readiness')?.methods, ['GET']);
    for (const path of [
      '/key/generate',
      '/spend/logs',
      '/global/spend/report',
      '/model/new',
      '/model/info',
      '/routes',
    ])
      assert.ok(find(path), path);
    assert.ok(routes.every((r) => typeof r.name === 'string' && typeof r.endpoint === 'string'));
    const bare = (await (await fetch(`${withoutDb.url}/routes`)).json()) as {
      routes: Array<{ path: string }>;
    };
    assert.ok(!bare.routes.some((r) => r.path === '/key/generate'), 'only what this gateway serves');
  });

  it('checks one model group with /health?model=', async () => {
    const res = await fetch(`${withDb.url}/health?model=two`, {
      headers: { authorization: 'Bearer sk-test-master' },
    });
    const report = (await res.json()) as {
      healthy_count: number;
      healthy_endpoints: Array<{ model: string }>;
    };
    assert.equal(report.healthy_count, 1);
    assert.equal(report.healthy_endpoints[0]?.model, 'openai/up-two');
  });
});
