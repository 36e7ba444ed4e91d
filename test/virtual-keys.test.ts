/**
 * Virtual keys end to end, on the embedded SQLite file and on PostgreSQL: LiteLLM's /key/* API, what a
 * key may do (models, expiry, blocking, budgets, rpm and parallel limits) and what it is charged.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { AzureOpenAI } from 'openai';
import { deployment, type RunningGateway, startGateway, testConfig } from './helpers/gateway-server.ts';
import { call, chat, errorOf, MASTER, newKey, settleSpend } from './helpers/keys.ts';
import { awayFromMinuteEnd } from './helpers/minute.ts';
import { type MockUpstream, startMockUpstream } from './helpers/mock-upstream.ts';
import { freshDatabase, postgresMissing } from './helpers/postgres.ts';
import { tempDir } from './helpers/temp-dir.ts';

/** $0.001 a prompt token and $0.002 a completion token: the mock's 12 + 7 tokens cost $0.026. */
const PRICE = { input_cost_per_token: 0.001, output_cost_per_token: 0.002 };
const COST = 12 * 0.001 + 7 * 0.002;

function keyTests(
  label: string,
  accounts: () => Promise<{ sqlitePath?: string; databaseUrl?: string }>,
  skip?: string,
) {
  describe(`virtual keys (${label})`, { skip }, () => {
    let upstream: MockUpstream;
    let gateway: RunningGateway;
    let url: string;

    before(async () => {
      upstream = await startMockUpstream();
      gateway = await startGateway(
        testConfig({
          masterKey: MASTER,
          deployments: [
            deployment({ modelName: 'priced', model: 'my-model', apiBase: upstream.url, modelInfo: PRICE }),
            deployment({ modelName: 'other', model: 'my-other', apiBase: upstream.url, modelInfo: PRICE }),
            deployment({
              modelName: 'grouped',
              model: 'my-grouped',
              apiBase: upstream.url,
              modelInfo: { ...PRICE, access_groups: ['beta'] },
            }),
          ],
        }),
        undefined,
        undefined,
        undefined,
        await accounts(),
      );
      url = gateway.url;
    });
    after(async () => {
      await gateway.close();
      await upstream.close();
    });

    const flush = () => settleSpend(gateway);

    it('makes a key shown once, stored as its sha256, listed and described without it', async () => {
      const made = await call(url, '/key/generate', {
        key_alias: `alias-${label}`,
        models: ['priced'],
        max_budget: 5,
      });
      assert.equal(made.status, 200);
      const key = String(made.body.key);
      assert.match(key, /^sk-[A-Za-z0-9_-]{22}$/);
      assert.match(String(made.body.token), /^[0-9a-f]{64}$/);
      assert.equal(made.body.key_name, `sk-...${key.slice(-4)}`);
      assert.ok(made.body.created_at && made.body.updated_at);
      const info = await call(url, `/key/info?key=${key}`);
      assert.equal(info.status, 200);
      assert.equal(JSON.stringify(info.body).includes(key), false, 'the key is never shown again');
      assert.equal((info.body.info as Record<string, unknown>).max_budget, 5);
      const listed = await call(url, '/key/list?return_full_object=true&size=100');
      assert.equal(JSON.stringify(listed.body).includes(key), false);
      assert.ok((listed.body.keys as Array<{ token: string }>).some((k) => k.token === made.body.token));
      const taken = await call(url, '/key/generate', { key_alias: `alias-${label}` });
      assert.equal(taken.status, 400, 'aliases are unique');
    });

    it('refuses keys that are unknown, and the management API to a key that is not an admin', async () => {
      assert.equal((await chat(url, 'sk-test-made-up', 'priced')).status, 401);
      const { key } = await newKey(url);
      const refused = await call(url, '/key/generate', {}, key);
      assert.equal(refused.status, 401);
      assert.equal(errorOf(refused).type, 'auth_error');
      // A key may read about itself.
      assert.equal((await call(url, '/key/info', undefined, key)).status, 200);
    });

    it("charges a request's cost to its key, with a spend log row and LiteLLM's headers", async () => {
      const { key, token } = await newKey(url, { key_alias: `spender-${label}`, max_budget: 10 });
      const answer = await chat(url, key, 'priced', { user: `end-user-${label}` });
      assert.equal(answer.status, 200);
      assert.equal(answer.headers.get('x-litellm-key-spend'), '0');
      assert.equal(answer.headers.get('x-litellm-key-max-budget'), '10');
      assert.equal(answer.headers.get('x-litellm-attempted-retries'), '0');
      await flush();
      const info = await call(url, `/key/info?key=${key}`);
      const spend = Number((info.body.info as Record<string, unknown>).spend);
      assert.ok(Math.abs(spend - COST) < 1e-9, `spend ${spend}`);
      const rows = await gateway.keys?.accounts.db.query('SELECT * FROM tg_spend_logs WHERE api_key = $1', [
        token,
      ]);
      assert.equal(rows?.length, 1);
      const row = rows?.[0] ?? {};
      assert.equal(
        row.request_id,
        (answer.body as { id?: string }).id,
        "the answer's id, as LiteLLM logs it",
      );
      assert.equal(row.model_group, 'priced');
      assert.equal(row.key_alias, `spender-${label}`);
      assert.equal(row.end_user, `end-user-${label}`);
      assert.equal(row.total_tokens, 19);
      assert.equal(row.status, 'success');
      assert.ok(Math.abs(Number(row.spend) - COST) < 1e-9);
      const second = await chat(url, key, 'priced');
      assert.ok(Math.abs(Number(second.headers.get('x-litellm-key-spend')) - COST) < 1e-9);
    });

    it('keeps a key to its models, its access groups and its own aliases', async () => {
      const { key } = await newKey(url, { models: ['priced', 'beta'], aliases: { nickname: 'other' } });
      assert.equal((await chat(url, key, 'priced')).status, 200);
      assert.equal((await chat(url, key, 'grouped')).status, 200, 'through the beta access group');
      const denied = await chat(url, key, 'other');
      assert.equal(denied.status, 401);
      assert.equal(errorOf(denied).type, 'key_model_access_denied');
      assert.match(String(errorOf(denied).message), /^key not allowed to access model\./, "LiteLLM's words");
      // The alias renames the model before the check: `nickname` is `other`, which the key may not use.
      assert.equal(errorOf(await chat(url, key, 'nickname')).type, 'key_model_access_denied');
      const listed = await call(url, '/v1/models', undefined, key);
      assert.deepEqual(
        (listed.body.data as Array<{ id: string }>).map((m) => m.id),
        ['priced', 'grouped'],
        'a key is shown the models it may use',
      );
      assert.equal((await call(url, '/v1/models/other', undefined, key)).status, 404);
      const groups = await call(url, '/v1/models?only_model_access_groups=true', undefined, key);
      assert.deepEqual(
        (groups.body.data as Array<{ id: string }>).map((m) => m.id),
        ['beta'],
        "LiteLLM's access-group listing",
      );
      const { key: open } = await newKey(url, { aliases: { nickname: 'other' } });
      const renamed = await chat(url, open, 'nickname');
      assert.equal(renamed.status, 200);
      assert.equal(renamed.headers.get('x-litellm-model-group'), 'other');
    });

    it("serves Azure OpenAI clients: Azure's paths and its api-key header", async () => {
      const { key } = await newKey(url, { models: ['priced'] });
      const azure = new AzureOpenAI({
        endpoint: url,
        apiKey: key,
        apiVersion: '2024-02-15-preview',
        maxRetries: 0,
      });
      const answer = await azure.chat.completions.create({
        model: 'priced',
        messages: [{ role: 'user', content: 'hi' }],
      });
      assert.equal(answer.object, 'chat.completion');
      await assert.rejects(
        azure.chat.completions.create({ model: 'other', messages: [{ role: 'user', content: 'hi' }] }),
        (err: { status?: number; message?: string }) =>
          err.status === 401 && /key not allowed to access model\./.test(String(err.message)),
      );
    });

    it('refuses a blocked key until it is unblocked, and a deleted key for good', async () => {
      const { key, token } = await newKey(url);
      assert.equal((await call(url, '/key/block', { key: token })).status, 200);
      const blocked = await chat(url, key, 'priced');
      assert.equal(blocked.status, 401);
      assert.equal(blocked.headers.get('x-should-retry'), 'false', 'SDKs and agents are told not to retry');
      assert.match(String(errorOf(blocked).message), /blocked/);
      assert.equal((await call(url, '/key/unblock', { key })).status, 200);
      assert.equal((await chat(url, key, 'priced')).status, 200);
      const deleted = await call(url, '/key/delete', { keys: [key] });
      assert.equal(deleted.status, 200);
      assert.equal((await chat(url, key, 'priced')).status, 401);
      assert.equal((await call(url, '/key/delete', { keys: [key] })).status, 404);
    });

    it("/key/health says a key's own logging callbacks do not run here", async () => {
      const { key: plain } = await newKey(url);
      assert.deepEqual((await call(url, '/key/health', {}, plain)).body, {
        key: 'healthy',
        logging_callbacks: null,
      });
      const logging = [
        { callback_name: 'gcs_bucket', callback_type: 'success_and_failure', callback_vars: {} },
      ];
      const { key } = await newKey(url, { metadata: { logging } });
      const health = (await call(url, '/key/health', {}, key)).body;
      const callbacks = health.logging_callbacks as { callbacks: string[]; status: string; details: string };
      assert.deepEqual(callbacks.callbacks, ['gcs_bucket']);
      assert.equal(callbacks.status, 'unhealthy');
      assert.match(callbacks.details, /does not run per-key logging callbacks/);
    });

    it('refuses an expired key with expired_key', async () => {
      const { key } = await newKey(url, { duration: '1s' });
      assert.equal((await chat(url, key, 'priced')).status, 200);
      await sleep(1100);
      const expired = await chat(url, key, 'priced');
      assert.equal(expired.status, 400);
      assert.equal(errorOf(expired).type, 'expired_key');
    });

    it('refuses a key over its budget with budget_exceeded, a stream charged in full first', async () => {
      const { key } = await newKey(url, { max_budget: COST / 2 });
      const stream = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'priced', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
      });
      assert.equal(stream.status, 200);
      assert.match(await stream.text(), /\[DONE\]/);
      await flush();
      const over = await chat(url, key, 'priced');
      assert.equal(over.status, 400);
      assert.equal(errorOf(over).type, 'budget_exceeded');
      assert.match(String(errorOf(over).message), /Budget has been exceeded/);
    });

    it('sees its own charge at once: the next request of a key over budget is refused before any write', async () => {
      const { key } = await newKey(url, { max_budget: COST / 2 });
      assert.equal((await chat(url, key, 'priced')).status, 200);
      // No flush: the charge is still pending in this process, and the check adds it.
      await sleep(5);
      const over = await chat(url, key, 'priced');
      assert.equal(over.status, 400);
      assert.equal(errorOf(over).type, 'budget_exceeded');
    });

    it('charges a stream the client left half-way', async () => {
      const { key } = await newKey(url);
      upstream.queue({ chunks: ['a', 'b', 'c', 'd', 'e', 'f'], chunkDelayMs: 50 });
      const controller = new AbortController();
      const stream = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'priced', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
        signal: controller.signal,
      });
      const reader = stream.body?.getReader();
      let seen = '';
      // Until some of the answer has been relayed: that part was generated, and is charged.
      while (!seen.includes('"b"')) {
        const chunk = await reader?.read();
        if (chunk === undefined || chunk.done) break;
        seen += Buffer.from(chunk.value).toString();
      }
      controller.abort();
      await sleep(300);
      await flush();
      const info = await call(url, `/key/info?key=${key}`);
      assert.ok(
        Number((info.body.info as Record<string, unknown>).spend) > 0,
        'the part that was used is charged',
      );
    });

    it('starts a new budget period after budget_duration', async () => {
      const { key } = await newKey(url, { max_budget: COST / 2, budget_duration: '2s' });
      assert.equal((await chat(url, key, 'priced')).status, 200);
      await flush();
      assert.equal((await chat(url, key, 'priced')).status, 400);
      await sleep(2100);
      assert.equal((await chat(url, key, 'priced')).status, 200, 'a new period starts at zero');
    });

    it('holds a key to its rpm_limit and max_parallel_requests with 429s', async () => {
      await awayFromMinuteEnd();
      const { key } = await newKey(url, { rpm_limit: 2 });
      assert.equal((await chat(url, key, 'priced')).status, 200);
      assert.equal((await chat(url, key, 'priced')).status, 200);
      const limited = await chat(url, key, 'priced');
      assert.equal(limited.status, 429);
      assert.ok(Number(limited.headers.get('retry-after')) >= 1);
      assert.equal(limited.headers.get('x-should-retry'), null, 'a 429 is for retrying, after Retry-After');
      const { key: narrow } = await newKey(url, { max_parallel_requests: 1 });
      upstream.queue({ delayMs: 300 }, { delayMs: 300 });
      const [a, b] = await Promise.all([chat(url, narrow, 'priced'), chat(url, narrow, 'priced')]);
      assert.deepEqual([a.status, b.status].sort(), [200, 429]);
      assert.equal((await chat(url, narrow, 'priced')).status, 200, 'the slot is free again');
    });

    it('holds a key to its tpm_limit once finished requests used it up', async () => {
      await awayFromMinuteEnd();
      const { key } = await newKey(url, { tpm_limit: 30 });
      assert.equal((await chat(url, key, 'priced')).status, 200, '19 tokens');
      assert.equal((await chat(url, key, 'priced')).status, 200, '38 tokens: over, from now on');
      await sleep(50);
      const limited = await chat(url, key, 'priced');
      assert.equal(limited.status, 429);
      assert.match(String(errorOf(limited).message), /tpm_limit 30/);
    });

    it('frees a parallel slot when the client leaves mid-stream', async () => {
      const { key } = await newKey(url, { max_parallel_requests: 1 });
      upstream.queue({ chunks: ['a', 'b', 'c', 'd'], chunkDelayMs: 100 });
      const controller = new AbortController();
      const stream = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'priced', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
        signal: controller.signal,
      });
      assert.equal(stream.status, 200);
      assert.equal((await chat(url, key, 'priced')).status, 429, 'the stream holds the one slot');
      controller.abort();
      await sleep(200);
      assert.equal((await chat(url, key, 'priced')).status, 200, 'the slot came back');
    });

    it("lets an internal user's key manage its user's own keys, and no one else's", async () => {
      const ann = await call(url, '/user/new', { user_id: `ann-${label}` });
      const bob = await call(url, '/user/new', { user_id: `bob-${label}` });
      assert.equal(ann.status, 200);
      const annKey = String(ann.body.key);
      const bobKey = String(bob.body.key);
      const own = await call(url, '/key/generate', { key_alias: `ann-extra-${label}` }, annKey);
      assert.equal(own.status, 200);
      assert.equal(own.body.user_id, `ann-${label}`, 'made for the caller');
      assert.equal((await call(url, '/key/generate', { user_id: `bob-${label}` }, annKey)).status, 403);
      const extra = String(own.body.key);
      assert.equal(
        (await call(url, '/key/update', { key: extra, user_id: `bob-${label}` }, annKey)).status,
        403,
      );
      assert.equal((await call(url, '/key/update', { key: extra, metadata: { a: 1 } }, annKey)).status, 200);
      assert.equal((await call(url, '/key/delete', { keys: [extra] }, bobKey)).status, 403);
      const listed = await call(url, '/key/list?return_full_object=true', undefined, annKey);
      const owners = new Set((listed.body.keys as Array<{ user_id: string }>).map((k) => k.user_id));
      assert.deepEqual([...owners], [`ann-${label}`]);
      assert.equal(
        (await call(url, '/team/new', { team_alias: 'x' }, annKey)).status,
        401,
        'admin routes stay closed',
      );
      assert.equal((await call(url, '/key/delete', { keys: [extra] }, annKey)).status, 200);
      // A user a key made on its own has no role: its key manages nothing.
      const { key: plain } = await newKey(url, { user_id: `carl-${label}` });
      assert.equal((await call(url, '/key/generate', { user_id: `carl-${label}` }, plain)).status, 401);
    });

    it("lets team members manage the team's keys as the team permits, and its admin all of them", async () => {
      const [member, admin] = [`member-${label}`, `lead-${label}`];
      const memberKey = String((await call(url, '/user/new', { user_id: member })).body.key);
      const adminKey = String((await call(url, '/user/new', { user_id: admin })).body.key);
      const team = await call(url, '/team/new', {
        team_alias: `perm-${label}`,
        team_member_permissions: ['/key/update'],
        members_with_roles: [
          { user_id: member, role: 'user' },
          { user_id: admin, role: 'admin' },
        ],
      });
      assert.equal(team.status, 200, JSON.stringify(team.body));
      const teamId = String(team.body.team_id);
      const { key: teamKey } = await newKey(url, { team_id: teamId });
      assert.equal((await call(url, `/key/info?key=${teamKey}`, undefined, memberKey)).status, 200);
      assert.equal(
        (await call(url, '/key/update', { key: teamKey, metadata: { x: 1 } }, memberKey)).status,
        200,
      );
      const made = await call(url, '/key/generate', { team_id: teamId }, memberKey);
      assert.equal(made.status, 401);
      assert.equal(errorOf(made).type, 'team_member_permission_error');
      assert.equal((await call(url, '/key/delete', { keys: [teamKey] }, memberKey)).status, 403);
      assert.equal((await call(url, '/key/generate', { team_id: teamId }, adminKey)).status, 200);
      assert.equal((await call(url, '/key/delete', { keys: [teamKey] }, adminKey)).status, 200);
    });

    it("lets a team admin add its team's own model, which only the team's keys may use", async () => {
      const lead = `model-lead-${label}`;
      const leadKey = String((await call(url, '/user/new', { user_id: lead })).body.key);
      const team = await call(url, '/team/new', { members_with_roles: [{ user_id: lead, role: 'admin' }] });
      const teamId = String(team.body.team_id);
      const entry = (id: string, teamOf: string) => ({
        model_name: `team-model-${label}`,
        litellm_params: { model: 'openai/my-model', api_base: upstream.url, api_key: 'sk-test-upstream' },
        model_info: { id, team_id: teamOf },
      });
      const added = await call(url, '/model/new', entry(`tm-${label}`, teamId), leadKey);
      assert.equal(added.status, 200, JSON.stringify(added.body));
      const other = await call(url, '/team/new', {});
      assert.equal(
        (await call(url, '/model/new', entry(`tm2-${label}`, String(other.body.team_id)), leadKey)).status,
        403,
      );
      const { key: teamKey } = await newKey(url, { team_id: teamId });
      assert.equal((await chat(url, teamKey, `team-model-${label}`)).status, 200);
      const { key: outsider } = await newKey(url);
      const denied = await chat(url, outsider, `team-model-${label}`);
      assert.equal(denied.status, 401);
      assert.equal(errorOf(denied).type, 'team_model_access_denied');
      // Listed to the team's keys only: another team's model names are not an outsider's to see.
      const listed = async (key: string) => {
        const names = (path: string, field: string) =>
          call(url, path, undefined, key).then((a) =>
            (a.body.data as Array<Record<string, unknown>>).map((m) => String(m[field])),
          );
        return {
          models: await names('/v1/models', 'id'),
          info: await names('/model/info', 'model_name'),
          groups: await names('/model_group/info', 'model_group'),
        };
      };
      const model = `team-model-${label}`;
      const inside = await listed(teamKey);
      assert.ok(
        inside.models.includes(model) && inside.info.includes(model) && inside.groups.includes(model),
      );
      const outside = await listed(outsider);
      assert.deepEqual(
        [outside.models.includes(model), outside.info.includes(model), outside.groups.includes(model)],
        [false, false, false],
      );
      assert.equal((await call(url, '/model/delete', { id: `tm-${label}` }, leadKey)).status, 200);
    });

    it("holds the master key's requests to their end user's block and budget", async () => {
      const made = await call(url, '/end_user/new', { user_id: `blocked-${label}`, blocked: true });
      assert.equal(made.status, 200, JSON.stringify(made.body));
      const refused = await chat(url, MASTER, 'priced', { user: `blocked-${label}` });
      assert.equal(refused.status, 403);
      await call(url, '/end_user/new', { user_id: `thrifty-${label}`, max_budget: COST / 2 });
      assert.equal((await chat(url, MASTER, 'priced', { user: `thrifty-${label}` })).status, 200);
      await flush();
      const over = await chat(url, MASTER, 'priced', { user: `thrifty-${label}` });
      assert.equal(over.status, 400);
      assert.equal(errorOf(over).type, 'budget_exceeded');
    });

    it('regenerates a key: the old one stops working, the new one keeps its spend', async () => {
      const { key, token } = await newKey(url);
      await chat(url, key, 'priced');
      await flush();
      const made = await call(url, `/key/${token}/regenerate`, {});
      assert.equal(made.status, 200);
      const fresh = String(made.body.key);
      assert.notEqual(fresh, key);
      assert.equal((await chat(url, key, 'priced')).status, 401);
      assert.equal((await chat(url, fresh, 'priced')).status, 200);
      const info = await call(url, `/key/info?key=${fresh}`);
      assert.ok(Number((info.body.info as Record<string, unknown>).spend) >= COST - 1e-9);
    });

    it('updates a key: a new model list and budget apply at once', async () => {
      const { key } = await newKey(url, { models: ['other'] });
      assert.equal((await chat(url, key, 'priced')).status, 401);
      const updated = await call(url, '/key/update', { key, models: ['priced'], max_budget: 100 });
      assert.equal(updated.status, 200);
      assert.equal((await chat(url, key, 'priced')).status, 200);
      assert.equal((await call(url, '/key/update', { key: 'sk-test-nope', models: [] })).status, 404);
      assert.equal((await call(url, '/key/update', { key, max_budget: 'lots' })).status, 422);
    });
  });
}

keyTests('SQLite', async () => ({ sqlitePath: `${tempDir({})}/accounts.db` }));
keyTests('PostgreSQL', async () => ({ databaseUrl: await freshDatabase() }), postgresMissing);

describe('disable_spend_logs', () => {
  it('charges keys but keeps no spend log rows', async () => {
    const upstream = await startMockUpstream();
    const gateway = await startGateway(
      testConfig({
        masterKey: MASTER,
        disableSpendLogs: true,
        deployments: [
          deployment({ modelName: 'priced', model: 'my-model', apiBase: upstream.url, modelInfo: PRICE }),
        ],
      }),
      undefined,
      undefined,
      undefined,
      { sqlitePath: ':memory:' },
    );
    try {
      const { key } = await newKey(gateway.url);
      assert.equal((await chat(gateway.url, key, 'priced')).status, 200);
      assert.equal((await chat(gateway.url, MASTER, 'priced')).status, 200);
      await settleSpend(gateway);
      const info = await call(gateway.url, `/key/info?key=${key}`);
      assert.ok(Math.abs(Number((info.body.info as Record<string, unknown>).spend) - COST) < 1e-9);
      const rows = await gateway.keys?.accounts.db.query('SELECT request_id FROM tg_spend_logs');
      assert.equal(rows?.length, 0);
    } finally {
      await gateway.close();
      await upstream.close();
    }
  });
});
