/**
 * Models at run time, end to end: `/model/new` makes a model routable at once, on another process
 * sharing the accounts database too, and after a restart; `/model/update` and `/model/delete` take
 * effect the same way. `/model/info`, `/v2/model/info` and `/model_group/info` describe config.yaml's
 * and the added models without their credentials, and a virtual key sees only the models it may use.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { deployment, type RunningGateway, startGateway, testConfig } from './helpers/gateway-server.ts';
import { type MockUpstream, startMockUpstream } from './helpers/mock-upstream.ts';

const MASTER = 'sk-test-master';
const CONFIG_SECRET = 'sk-config-upstream-secret';
const RUNTIME_SECRET = 'sk-runtime-upstream-secret';

// biome-ignore lint/suspicious/noExplicitAny: answers are read by path; a wrong path fails its assertion
type Json = any;

describe('models at run time', () => {
  let upstream: MockUpstream;
  let dir: string;
  let a: RunningGateway;
  let b: RunningGateway;

  const start = () =>
    startGateway(
      testConfig({
        masterKey: MASTER,
        deployments: [
          deployment({
            modelName: 'config-model',
            model: 'up-config',
            id: 'config-1',
            apiBase: upstream.url,
            apiKey: CONFIG_SECRET,
            params: { extra_headers: { Authorization: `Bearer ${CONFIG_SECRET}` } },
            modelInfo: { supports_vision: true, input_cost_per_token: 0.001, output_cost_per_token: 0.002 },
          }),
        ],
      }),
      undefined,
      undefined,
      undefined,
      { sqlitePath: join(dir, 'accounts.db') },
    );
  const api = async (gateway: RunningGateway, path: string, body?: unknown, key = MASTER) => {
    const res = await fetch(`${gateway.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, text, body: JSON.parse(text) as Json };
  };
  const chat = async (gateway: RunningGateway, model: string, key = MASTER) =>
    (await api(gateway, '/v1/chat/completions', { model, messages: [{ role: 'user', content: 'hi' }] }, key))
      .status;
  const eventually = async (what: string, check: () => Promise<boolean>) => {
    const deadline = Date.now() + 5000;
    while (!(await check())) {
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  before(async () => {
    upstream = await startMockUpstream();
    dir = mkdtempSync(join(tmpdir(), 'tollgate-models-'));
    a = await start();
    b = await start();
  });
  after(async () => {
    await a.close();
    await b.close();
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("describes config.yaml's models without their credentials", async () => {
    const { status, text, body } = await api(a, '/model/info');
    assert.equal(status, 200);
    assert.ok(!text.includes(CONFIG_SECRET), 'no api key, no secret header');
    const [entry] = body.data;
    assert.equal(entry.model_name, 'config-model');
    assert.equal(entry.litellm_params.model, 'openai/up-config');
    assert.equal(entry.litellm_params.api_base, upstream.url);
    assert.ok(!('api_key' in entry.litellm_params));
    assert.equal(entry.litellm_params.extra_headers.Authorization, '********');
    assert.equal(entry.model_info.id, 'config-1');
    assert.equal(entry.model_info.db_model, false);
    assert.equal(entry.model_info.supports_vision, true);
    assert.equal(entry.model_info.input_cost_per_token, 0.001);
    assert.equal(entry.model_info.litellm_provider, 'openai');
    const one = await api(a, '/v1/model/info?litellm_model_id=config-1');
    assert.deepEqual(one.body.data, [entry]);
    assert.equal((await api(a, '/model/info?litellm_model_id=nope')).status, 400);

    const groups = await api(a, '/model_group/info');
    assert.equal(groups.body.data[0].model_group, 'config-model');
    assert.deepEqual(groups.body.data[0].providers, ['openai']);
    assert.equal(groups.body.data[0].supports_vision, true);
    assert.equal(groups.body.data[0].output_cost_per_token, 0.002);
    assert.equal(groups.body.data[0].mode, 'chat');
  });

  it('serves a model added with /model/new at once, on every process, then its change and deletion', async () => {
    assert.equal(await chat(a, 'runtime-model'), 404);
    const added = await api(a, '/model/new', {
      model_name: 'runtime-model',
      litellm_params: { model: 'openai/up-runtime', api_base: upstream.url, api_key: RUNTIME_SECRET },
      model_info: { id: 'rt-1', supports_vision: true },
    });
    assert.equal(added.status, 200, added.text);
    assert.equal(added.body.model_id, 'rt-1');
    assert.ok(!added.text.includes(RUNTIME_SECRET));

    assert.equal(await chat(a, 'runtime-model'), 200, 'routable at once where it was added');
    const sent = upstream.received.at(-1);
    assert.equal(sent?.body.model, 'up-runtime');
    assert.equal(sent?.headers.authorization, `Bearer ${RUNTIME_SECRET}`);
    await eventually('the other process to serve it', async () => (await chat(b, 'runtime-model')) === 200);

    const info = await api(b, '/model/info');
    assert.ok(!info.text.includes(RUNTIME_SECRET));
    const entry = info.body.data.find((e: Json) => e.model_info.id === 'rt-1');
    assert.equal(entry.model_info.db_model, true);
    assert.equal(entry.litellm_params.model, 'openai/up-runtime');
    const v2 = await api(b, '/v2/model/info?model=runtime-model&debug=True');
    assert.equal(v2.body.data.length, 1);
    assert.equal(typeof v2.body.data[0].openai_client, 'string');

    const updated = await api(a, '/model/update', {
      model_name: 'runtime-model',
      litellm_params: { model: 'openai/up-runtime-2' },
      model_info: { id: 'rt-1' },
    });
    assert.equal(updated.status, 200, updated.text);
    assert.equal(updated.body.litellm_params.api_base, upstream.url, 'fields not given are kept');
    await eventually('the change on the other process', async () => {
      await chat(b, 'runtime-model');
      return upstream.received.at(-1)?.body.model === 'up-runtime-2';
    });

    const deleted = await api(a, '/model/delete', { id: 'rt-1' });
    assert.equal(deleted.status, 200);
    assert.equal(await chat(a, 'runtime-model'), 404, 'gone at once where it was deleted');
    await eventually('the other process to drop it', async () => (await chat(b, 'runtime-model')) === 404);
    assert.equal((await api(a, '/model/delete', { id: 'rt-1' })).status, 404);
  });

  it('refuses what cannot be served or changed', async () => {
    const bad = await api(a, '/model/new', {
      model_name: 'x',
      litellm_params: { model: 'nosuchprovider/y' },
    });
    assert.equal(bad.status, 400, bad.text);
    const unset = await api(a, '/model/new', {
      model_name: 'x',
      litellm_params: { model: 'openai/y', api_key: 'os.environ/TOLLGATE_TEST_UNSET_VARIABLE' },
    });
    assert.equal(unset.status, 400);
    assert.match(unset.body.error.message, /TOLLGATE_TEST_UNSET_VARIABLE is not set/);
    const taken = await api(a, '/model/new', {
      model_name: 'x',
      litellm_params: { model: 'openai/y' },
      model_info: { id: 'config-1' },
    });
    assert.equal(taken.status, 400);
    assert.equal((await api(a, '/model/delete', { id: 'config-1' })).status, 400, "config.yaml's stay");
    assert.equal((await api(a, '/model/new', { litellm_params: { model: 'openai/y' } })).status, 422);
  });

  it('keeps added models across a restart', async () => {
    const added = await api(a, '/model/new', {
      model_name: 'kept-model',
      litellm_params: { model: 'openai/up-kept', api_base: upstream.url },
    });
    assert.equal(added.status, 200);
    assert.match(added.body.model_id, /^[0-9a-f-]{36}$/);
    await b.close();
    b = await start();
    assert.equal(await chat(b, 'kept-model'), 200);
  });

  it('shows a virtual key only the models it may use, and not the model routes that change them', async () => {
    const made = await api(a, '/key/generate', { models: ['config-model'] });
    const key = made.body.key;
    const info = await api(a, '/model/info', undefined, key);
    assert.equal(info.status, 200);
    assert.deepEqual(
      info.body.data.map((e: Json) => e.model_name),
      ['config-model'],
    );
    const groups = await api(a, '/model_group/info', undefined, key);
    assert.deepEqual(
      groups.body.data.map((e: Json) => e.model_group),
      ['config-model'],
    );
    const everything = await api(a, '/model_group/info');
    assert.deepEqual(
      everything.body.data.map((e: Json) => e.model_group),
      ['config-model', 'kept-model'],
    );
    const refused = await api(
      a,
      '/model/new',
      { model_name: 'x', litellm_params: { model: 'openai/y' } },
      key,
    );
    assert.equal(refused.status, 401);
  });
});
