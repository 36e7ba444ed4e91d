/**
 * LiteLLM's organization, customer (end user) and budget routes end to end, against the real server
 * with virtual keys on SQLite and on PostgreSQL and a priced mock upstream (about $0.026 a request):
 * the answers clients read, and that an organization's budget, an end user's budget and limits, and a
 * blocked end user refuse the requests they should.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { settleSpend } from './helpers/keys.ts';
import { chat, managementApi, pricedKeyGateway } from './helpers/management-api.ts';
import { awayFromMinuteEnd } from './helpers/minute.ts';
import { freshDatabase, postgresMissing } from './helpers/postgres.ts';
import { tempDir } from './helpers/temp-dir.ts';

function orgsCustomersTests(
  label: string,
  accounts: () => Promise<{ sqlitePath?: string; databaseUrl?: string }>,
  skip?: string,
) {
  describe(`organizations, customers and budgets (${label})`, { skip }, () => {
    const running = pricedKeyGateway(accounts);
    const api = managementApi(() => running.gateway.url);
    const flush = () => settleSpend(running.gateway);
    const ask = (key: string, user?: string) => chat(running.gateway.url, key, 'priced', user);

    it('/organization/new, /list, /info, /update and the member routes answer as LiteLLM does', async () => {
      const made = await api('/organization/new', {
        organization_alias: 'acme',
        models: ['priced'],
        max_budget: 50,
      });
      assert.equal(made.status, 200, JSON.stringify(made.body));
      const orgId = made.body.organization_id;
      assert.equal(made.body.organization_alias, 'acme');
      assert.equal(made.body.litellm_budget_table.max_budget, 50);
      assert.equal(made.body.budget_id, made.body.litellm_budget_table.budget_id);
      assert.equal((await api('/organization/new', { models: [] })).status, 422, 'an alias is required');

      const user = await api('/user/new', { user_email: 'kim@example.com' });
      const added = await api('/organization/member_add', {
        organization_id: orgId,
        member: { user_id: user.body.user_id, role: 'internal_user' },
      });
      assert.equal(added.status, 200, JSON.stringify(added.body));
      assert.equal(added.body.organization_id, orgId);
      assert.equal(added.body.updated_organization_memberships[0].user_role, 'internal_user');
      const byEmail = await api('/organization/member_add', {
        organization_id: orgId,
        member: [{ user_email: 'new-person@example.com', role: 'org_admin' }],
      });
      assert.equal(byEmail.status, 200);
      assert.equal(
        byEmail.body.updated_users[0].user_email,
        'new-person@example.com',
        'an unknown email makes a user',
      );
      const twice = { organization_id: orgId, member: { user_id: user.body.user_id, role: 'internal_user' } };
      assert.equal((await api('/organization/member_add', twice)).status, 400);

      const list = await api('/organization/list');
      assert.equal(list.status, 200);
      const listed = list.body.find((o: { organization_id: string }) => o.organization_id === orgId);
      assert.notEqual(listed.litellm_budget_table, null);
      assert.equal(listed.members.length, 2);

      const updatedMember = await api(
        '/organization/member_update',
        {
          organization_id: orgId,
          user_id: user.body.user_id,
          role: 'org_admin',
          max_budget_in_organization: 3,
        },
        { method: 'PATCH' },
      );
      assert.equal(updatedMember.status, 200, JSON.stringify(updatedMember.body));
      assert.equal(updatedMember.body.user_role, 'org_admin');
      assert.equal(updatedMember.body.litellm_budget_table.max_budget, 3);

      const deletedMember = await api(
        '/organization/member_delete',
        { organization_id: orgId, user_id: user.body.user_id },
        { method: 'DELETE' },
      );
      assert.equal(deletedMember.status, 200);
      assert.equal(deletedMember.body.user_id, user.body.user_id);
      const info = await api(`/organization/info?organization_id=${orgId}`);
      assert.equal(info.body.members.length, 1);

      const updated = await api(
        '/organization/update',
        { organization_id: orgId, organization_alias: 'acme-2', max_budget: 60 },
        { method: 'PATCH' },
      );
      assert.equal(updated.status, 200, JSON.stringify(updated.body));
      assert.equal(updated.body.organization_alias, 'acme-2');
      assert.equal(updated.body.litellm_budget_table.max_budget, 60);
      assert.equal((await api('/organization/info?organization_id=missing')).status, 404);
    });

    it("an organization's budget, once spent, refuses the keys of its teams; deleting it deletes them", async () => {
      const org = await api('/organization/new', { organization_alias: 'thrifty-org', max_budget: 0.01 });
      const team = await api('/team/new', {
        team_alias: 'in-org',
        organization_id: org.body.organization_id,
      });
      assert.equal(team.status, 200);
      assert.equal((await api('/team/new', { organization_id: 'missing' })).status, 400);
      const key = await api('/key/generate', { team_id: team.body.team_id });
      assert.equal((await ask(key.body.key)).status, 200);
      await flush();
      const refused = await ask(key.body.key);
      assert.equal(refused.status, 400);
      assert.equal(refused.type, 'budget_exceeded');
      assert.match(refused.message ?? '', /Organization=/);

      const deleted = await api(
        '/organization/delete',
        { organization_ids: [org.body.organization_id] },
        { method: 'DELETE' },
      );
      assert.equal(deleted.status, 200);
      assert.equal(deleted.body[0].organization_id, org.body.organization_id);
      assert.equal((await api(`/team/info?team_id=${team.body.team_id}`)).status, 404);
      assert.equal((await ask(key.body.key)).status, 401);
      assert.equal(
        (await api('/organization/delete', { organization_ids: ['missing'] }, { method: 'DELETE' })).status,
        404,
      );
    });

    it('/budget/new, /info, /update, /list and /delete', async () => {
      const made = await api('/budget/new', { budget_id: 'daily', budget_duration: '1d', max_budget: 0.02 });
      assert.equal(made.status, 200);
      assert.equal(made.body.budget_id, 'daily');
      // LiteLLM's suite checks the first reset is created_at plus the duration.
      const gap = Date.parse(made.body.budget_reset_at) - Date.parse(made.body.created_at);
      assert.ok(Math.abs(gap - 86_400_000) < 3000, `reset ${gap} ms after creation`);
      assert.equal((await api('/budget/new', { budget_id: 'daily' })).status, 400);
      assert.equal((await api('/budget/new', { max_budget: -1 })).status, 400);

      const info = await api('/budget/info', { budgets: ['daily', 'missing'] });
      assert.deepEqual(
        info.body.map((b: { budget_id: string }) => b.budget_id),
        ['daily'],
      );
      const updated = await api('/budget/update', { budget_id: 'daily', rpm_limit: 5 });
      assert.equal(updated.body.rpm_limit, 5);
      assert.equal(updated.body.max_budget, 0.02);
      assert.equal((await api('/budget/update', { budget_id: 'missing', rpm_limit: 5 })).status, 404);
      assert.ok((await api('/budget/list')).body.some((b: { budget_id: string }) => b.budget_id === 'daily'));

      await api('/customer/new', { user_id: 'uses-daily', budget_id: 'daily' });
      assert.equal((await api('/budget/delete', { id: 'daily' })).status, 400, 'a budget in use is kept');
      await api('/customer/delete', { user_ids: ['uses-daily'] });
      const deleted = await api('/budget/delete', { id: 'daily' });
      assert.equal(deleted.status, 200);
      assert.equal((await api('/budget/delete', { id: 'daily' })).status, 404);
    });

    it("/customer/new with max_budget: the end user's requests stop once it is spent", async () => {
      const made = await api('/customer/new', { user_id: 'cust-1', alias: 'Customer One', max_budget: 0.01 });
      assert.equal(made.status, 200, JSON.stringify(made.body));
      assert.equal(made.body.user_id, 'cust-1');
      assert.equal(made.body.blocked, false);
      assert.equal(made.body.litellm_budget_table.max_budget, 0.01);
      assert.equal((await api('/customer/new', { user_id: 'cust-1' })).status, 400);
      assert.equal((await api('/customer/new', { user_id: 'x', max_budget: 1, budget_id: 'b' })).status, 422);

      const key = await api('/key/generate', {});
      assert.equal((await ask(key.body.key, 'cust-1')).status, 200);
      await flush();
      const refused = await ask(key.body.key, 'cust-1');
      assert.equal(refused.status, 400);
      assert.equal(refused.type, 'budget_exceeded');
      assert.match(refused.message ?? '', /End user=cust-1/);
      assert.equal((await ask(key.body.key, 'someone-else')).status, 200, 'other end users are not affected');

      const info = await api('/customer/info?end_user_id=cust-1');
      assert.equal(info.status, 200);
      assert.ok(info.body.spend > 0.01);
      assert.equal(info.body.alias, 'Customer One');
      // The spend writer made the end user it saw first.
      await flush();
      assert.equal((await api('/end_user/info?end_user_id=someone-else')).status, 200);
      assert.equal((await api('/customer/info?end_user_id=nobody')).status, 404);

      const raised = await api('/customer/update', { user_id: 'cust-1', max_budget: 100 });
      assert.equal(raised.status, 200);
      assert.equal(raised.body.litellm_budget_table.max_budget, 100);
      assert.equal((await ask(key.body.key, 'cust-1')).status, 200);
    });

    it('a blocked customer is refused until unblocked; the /end_user/* routes are the same', async () => {
      const key = await api('/key/generate', {});
      const blocked = await api('/customer/block', { user_ids: ['cust-2'] });
      assert.equal(blocked.status, 200);
      assert.equal(blocked.body.blocked_users[0].blocked, true);
      const refused = await ask(key.body.key, 'cust-2');
      assert.equal(refused.status, 403);
      assert.match(refused.message ?? '', /blocked/);
      assert.equal((await api('/end_user/unblock', { user_ids: ['cust-2'] })).status, 200);
      assert.equal((await ask(key.body.key, 'cust-2')).status, 200);

      const list = await api('/end_user/list');
      assert.ok(list.body.some((c: { user_id: string }) => c.user_id === 'cust-2'));
      // The last request's charge is written first: landing after the delete it would make the end user again.
      await flush();
      const deleted = await api('/end_user/delete', { user_ids: ['cust-2'] });
      assert.equal(deleted.status, 200);
      assert.equal(deleted.body.deleted_customers, 1);
      assert.equal((await api('/end_user/delete', { user_ids: ['cust-2'] })).status, 404);
    });

    it("an end user linked to a budget row gets that row's rpm limit", async () => {
      await awayFromMinuteEnd();
      await api('/budget/new', { budget_id: 'free-tier', rpm_limit: 2 });
      await api('/end_user/new', { user_id: 'free-1', budget_id: 'free-tier' });
      const key = await api('/key/generate', {});
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await ask(key.body.key, 'free-1')).status);
      assert.deepEqual(statuses, [200, 200, 429, 429]);
    });

    it('/team/new model_aliases let its keys call a model by the alias', async () => {
      const team = await api('/team/new', {
        team_alias: 'aliased',
        model_aliases: { 'cheap-model': 'priced' },
      });
      assert.deepEqual(team.body.litellm_model_table.model_aliases, { 'cheap-model': 'priced' });
      const key = await api('/key/generate', { team_id: team.body.team_id, models: ['priced'] });
      assert.equal((await chat(running.gateway.url, key.body.key, 'cheap-model')).status, 200);
    });
  });
}

orgsCustomersTests('SQLite', async () => ({ sqlitePath: `${tempDir({})}/accounts.db` }));
orgsCustomersTests('PostgreSQL', async () => ({ databaseUrl: await freshDatabase() }), postgresMissing);
