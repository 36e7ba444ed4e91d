/**
 * LiteLLM's spend routes end to end: requests made with virtual keys become spend rows (cost, tokens,
 * key, model, team, end user), which `/spend/logs`, `/spend/logs/v2`, `/global/spend*` and the spend
 * report answer in LiteLLM's shapes.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hashKey } from '../src/accounts/key-text.ts';
import { deployment, type RunningGateway, startGateway, testConfig } from './helpers/gateway-server.ts';
import { settleSpend } from './helpers/keys.ts';
import { type MockUpstream, startMockUpstream, UPSTREAM_MODEL } from './helpers/mock-upstream.ts';
import { freshDatabase, postgresMissing } from './helpers/postgres.ts';

const MASTER = 'sk-test-master';
const today = new Date().toISOString().slice(0, 10);

// biome-ignore lint/suspicious/noExplicitAny: answers are read by path; a wrong path fails its assertion
type Json = any;

spendTests('SQLite', async () => ({ sqlitePath: ':memory:' }));
spendTests('PostgreSQL', async () => ({ databaseUrl: await freshDatabase() }), postgresMissing);

function spendTests(
  label: string,
  database: () => Promise<{ sqlitePath?: string; databaseUrl?: string }>,
  skip?: string,
) {
  describe(`spend routes (${label})`, { skip }, () => {
    let upstream: MockUpstream;
    let gateway: RunningGateway;
    let teamKey: string;
    let soloKey: string;

    const api = async (path: string, init: RequestInit = {}, key = MASTER) => {
      const res = await fetch(`${gateway.url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      });
      return { status: res.status, body: (await res.json()) as Json };
    };
    const chat = async (key: string, model: string, user?: string) => {
      const res = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model,
          messages: [{ role: 'user', content: 'hi' }],
          ...(user ? { user } : {}),
        }),
      });
      assert.equal(res.status, 200, await res.clone().text());
      await res.json();
    };

    before(async () => {
      upstream = await startMockUpstream();
      const priced = { input_cost_per_token: 0.001, output_cost_per_token: 0.002 };
      gateway = await startGateway(
        testConfig({
          masterKey: MASTER,
          deployments: [
            deployment({ modelName: 'model-a', model: 'up-a', apiBase: upstream.url, modelInfo: priced }),
            deployment({ modelName: 'model-b', model: 'up-b', apiBase: upstream.url, modelInfo: priced }),
          ],
        }),
        undefined,
        undefined,
        undefined,
        await database(),
      );
      const { accounts } = gateway.keys ?? assert.fail('accounts');
      await accounts.tables.teams.insert(accounts.db, { team_id: 'team-1', team_alias: 'Research' });
      const made = await api('/key/generate', {
        method: 'POST',
        body: JSON.stringify({ team_id: 'team-1', user_id: 'user-1', key_alias: 'research-key' }),
      });
      assert.equal(made.status, 200, JSON.stringify(made.body));
      teamKey = made.body.key;
      soloKey = (await api('/key/generate', { method: 'POST', body: '{}' })).body.key;
      await chat(teamKey, 'model-a');
      await chat(teamKey, 'model-a');
      await chat(soloKey, 'model-b', 'customer-7');
      await settleSpend(gateway);
    });
    after(async () => {
      await gateway.close();
      await upstream.close();
    });

    it("answers a key's spend rows with LiteLLM's field names", async () => {
      const { status, body } = await api(`/spend/logs?api_key=${teamKey}`);
      assert.equal(status, 200);
      assert.equal(body.length, 2);
      const row = body[0] as Json;
      assert.equal(row.api_key, hashKey(teamKey));
      assert.ok(row.spend > 0, 'the priced model costs something');
      assert.equal(row.spend, 12 * 0.001 + 7 * 0.002);
      assert.deepEqual([row.prompt_tokens, row.completion_tokens, row.total_tokens], [12, 7, 19]);
      assert.equal(row.model_group, 'model-a');
      assert.equal(row.call_type, 'acompletion');
      assert.equal(row.user, 'user-1');
      assert.equal(row.team_id, 'team-1');
      assert.equal(row.status, 'success');
      assert.equal(row.metadata.user_api_key_team_id, 'team-1');
      assert.equal(row.metadata.user_api_key_alias, 'research-key');
      assert.ok(Array.isArray(row.request_tags));
      assert.match(row.startTime, /^\d{4}-\d{2}-\d{2}T/);
      assert.ok(row.endTime >= row.startTime);
      for (const column of ['start_time', 'user_id', 'key_alias']) assert.ok(!(column in row), column);

      // The answer's id, as LiteLLM logs it; the mock repeats its id, so every row of it has this one.
      assert.equal(row.request_id, 'chatcmpl-mock-1');
      const one = await api(`/spend/logs?request_id=${row.request_id}`);
      assert.ok((one.body as Json[]).some((r) => r.api_key === row.api_key && r.startTime === row.startTime));
      assert.ok((one.body as Json[]).every((r) => r.request_id === 'chatcmpl-mock-1'));
      const byUser = await api('/spend/logs?user_id=user-1');
      assert.equal(byUser.body.length, 2);
      const byToken = await api(`/spend/logs?api_key=${hashKey(soloKey)}`);
      assert.equal(byToken.body[0].end_user, 'customer-7');
    });

    it('summarizes a date range by day, or lists its rows with summarize=false', async () => {
      const summary = await api(`/spend/logs?start_date=${today}&end_date=${today}`);
      assert.equal(summary.status, 200);
      assert.equal(summary.body.length, 1);
      const day = summary.body[0];
      assert.equal(day.startTime, today);
      assert.ok(Math.abs(day.spend - 3 * 0.026) < 1e-9);
      assert.ok(Math.abs(day.models[UPSTREAM_MODEL] - 3 * 0.026) < 1e-9, 'by the model that answered');
      assert.ok(Math.abs(day.users['user-1'] - 2 * 0.026) < 1e-9);
      assert.ok(Math.abs(day[hashKey(soloKey)] - 0.026) < 1e-9);
      const rows = await api(`/spend/logs?start_date=${today}&end_date=${today}&summarize=false`);
      assert.equal(rows.body.length, 3);
      const bad = await api('/spend/logs?start_date=yesterday&end_date=today');
      assert.equal(bad.status, 422);
      const long = await api('/spend/logs?start_date=2020-01-01&end_date=2024-01-01');
      assert.equal(long.status, 422, 'a range of years is refused');
    });

    it('pages rows with /spend/logs/v2', async () => {
      const page = await api(
        `/spend/logs/v2?start_date=${today}&end_date=${today}&page_size=2&sort_by=spend`,
      );
      assert.equal(page.status, 200);
      assert.equal(page.body.total, 3);
      assert.equal(page.body.total_pages, 2);
      assert.equal(page.body.data.length, 2);
      const team = await api(`/spend/logs/v2?start_date=${today}&end_date=${today}&team_id=team-1`);
      assert.equal(team.body.total, 2);
      const missing = await api('/spend/logs/v2');
      assert.equal(missing.status, 422);
    });

    it('reports spend per day and team, customer, user and model, and per key', async () => {
      const url = `/global/spend/report?start_date=${today}&end_date=${today}`;
      const teams = await api(url);
      assert.equal(teams.status, 200);
      assert.equal(teams.body.length, 1);
      assert.equal(teams.body[0].group_by_day, `${today}T00:00:00+00:00`);
      const [research, unassigned] = teams.body[0].teams;
      assert.equal(research.team_name, 'Research');
      assert.equal(research.team_id, 'team-1');
      assert.ok(Math.abs(research.total_spend - 0.052) < 1e-9);
      assert.deepEqual(
        research.metadata.map((e: Json) => [e.api_key, e.total_tokens]),
        [[hashKey(teamKey), 38]],
      );
      assert.equal(unassigned.team_name, 'Unassigned Team');

      const customers = await api(`${url}&group_by=customer`);
      const names = customers.body[0].customers.map((c: Json) => c.customer);
      assert.deepEqual(names.sort(), [null, 'customer-7'].sort());
      const users = await api(`${url}&group_by=user`);
      assert.ok(users.body[0].users.some((u: Json) => u.user_id === 'user-1'));
      const models = await api(`${url}&group_by=model`);
      assert.deepEqual(
        models.body[0].models.map((e: Json) => [e.model, e.metadata.length]),
        [
          ['model-a', 1],
          ['model-b', 1],
        ],
        'by the group the client named, most spent first',
      );

      const keys = await api(`${url}&group_by=api_key`);
      assert.equal(keys.body.length, 2);
      assert.equal(keys.body[0].api_key, hashKey(teamKey));
      assert.equal(keys.body[0].key_alias, 'research-key');
      assert.equal(keys.body[0].total_input_tokens, 24);
      assert.equal(keys.body[0].total_output_tokens, 14);
      assert.equal(keys.body[0].model_details.length, 1);
      const oneKey = await api(`${url}&api_key=${soloKey}`);
      assert.equal(oneKey.body.length, 1);
      assert.equal(oneKey.body[0].api_key, hashKey(soloKey));

      assert.equal((await api('/global/spend/report')).status, 400);
      assert.equal((await api(`${url}&group_by=planet`)).status, 422);
      const before = await api('/global/spend/report?start_date=2001-01-01&end_date=2001-01-31');
      assert.deepEqual(before.body, []);
    });

    it('answers the global spend views', async () => {
      const total = await api('/global/spend');
      assert.ok(Math.abs(total.body.spend - 3 * 0.026) < 1e-9);
      assert.equal(total.body.max_budget, 0);
      const keys = await api('/global/spend/keys?limit=1');
      assert.equal(keys.body.length, 1);
      assert.equal(keys.body[0].api_key, hashKey(teamKey));
      assert.equal(keys.body[0].key_alias, 'research-key');
      const models = await api('/global/spend/models');
      assert.deepEqual(
        models.body.map((e: Json) => [e.model, e.total_tokens]),
        [[UPSTREAM_MODEL, 57]],
      );
      const teams = await api('/global/spend/teams');
      assert.ok(teams.body.teams.includes('Research'));
      assert.equal(teams.body.daily_spend[0].date, today);
      const endUsers = await api('/global/spend/end_users', { method: 'POST', body: '{}' });
      assert.ok(endUsers.body.some((e: Json) => e.end_user === 'customer-7' && e.total_count === 1));
    });

    it('answers spend per request tag, /spend/tags and /global/spend/tags', async () => {
      for (const tags of [['prod', 'search'], ['prod']]) {
        const res = await fetch(`${gateway.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${soloKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'model-b', messages: [{ role: 'user', content: 'hi' }], tags }),
        });
        assert.equal(res.status, 200);
        await res.json();
      }
      await settleSpend(gateway);
      const cost = 0.026;
      const all = await api('/spend/tags');
      assert.equal(all.status, 200);
      assert.deepEqual(
        (all.body as Json[]).map((r) => [
          r.individual_request_tag,
          r.log_count,
          Math.round(r.total_spend * 1e6),
        ]),
        [
          ['prod', 2, Math.round(2 * cost * 1e6)],
          ['search', 1, Math.round(cost * 1e6)],
        ],
      );
      const range = `start_date=${today}&end_date=${today}`;
      const one = await api(`/global/spend/tags?${range}&tags=search`);
      assert.deepEqual(one.body, { spend_per_tag: [{ name: 'search', spend: cost, log_count: 1 }] });
      const every = await api(`/global/spend/tags?${range}&tags=all-tags`);
      assert.deepEqual(
        (every.body.spend_per_tag as Json[]).map((t) => t.name),
        ['prod', 'search'],
      );
      assert.equal((await api('/global/spend/tags')).status, 400, 'dates are required');
    });

    it('is for the master key only', async () => {
      for (const path of ['/spend/logs', '/global/spend/report', '/global/spend'])
        assert.equal((await api(path, {}, teamKey)).status, 401, path);
    });
  });
}
