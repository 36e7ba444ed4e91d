/**
 * LiteLLM's user, team and team-member routes end to end, against the real server with virtual keys
 * on SQLite and on PostgreSQL and a priced mock upstream (each request costs about $0.026): the
 * answers clients read, who may read what, and that team budgets, blocked teams and member budgets
 * refuse the requests they should.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { settleSpend } from './helpers/keys.ts';
import { chat, managementApi, pricedKeyGateway } from './helpers/management-api.ts';
import { freshDatabase, postgresMissing } from './helpers/postgres.ts';
import { tempDir } from './helpers/temp-dir.ts';

function usersTeamsTests(
  label: string,
  accounts: () => Promise<{ sqlitePath?: string; databaseUrl?: string }>,
  skip?: string,
) {
  describe(`users, teams and team members (${label})`, { skip }, () => {
    const running = pricedKeyGateway(accounts);
    const api = managementApi(() => running.gateway.url);
    const flush = () => settleSpend(running.gateway);
    const ask = (key: string) => chat(running.gateway.url, key, 'priced');

    it('/user/new makes a user and its key; /user/info answers the admin and the user, not others', async () => {
      const made = await api('/user/new', {
        user_id: 'ann',
        user_email: 'ann@example.com',
        models: ['priced'],
        max_budget: 10,
        budget_duration: '30d',
        duration: null,
      });
      assert.equal(made.status, 200, JSON.stringify(made.body));
      assert.equal(made.body.user_id, 'ann');
      assert.match(made.body.key, /^sk-/);
      assert.equal(made.body.max_budget, 10);
      assert.deepEqual(made.body.models, ['priced']);
      assert.equal(made.body.token, undefined, 'the stored hash is not part of the answer');
      assert.equal((await ask(made.body.key)).status, 200);

      const asAdmin = await api('/user/info?user_id=ann');
      assert.equal(asAdmin.status, 200);
      assert.equal(asAdmin.body.user_id, 'ann');
      assert.equal(asAdmin.body.user_info.user_email, 'ann@example.com');
      assert.ok(asAdmin.body.user_info.budget_reset_at, 'a budget period started');
      assert.equal(asAdmin.body.keys.length, 1);
      assert.deepEqual(asAdmin.body.teams, []);

      const asSelf = await api('/user/info?user_id=ann', undefined, { key: made.body.key });
      assert.equal(asSelf.status, 200);
      assert.equal(asSelf.body.user_info.user_id, 'ann');
      const implicit = await api('/user/info', undefined, { key: made.body.key });
      assert.equal(implicit.body.user_id, 'ann');

      const other = await api('/user/new', {});
      assert.equal(other.status, 200);
      assert.notEqual(other.body.user_id, undefined);
      assert.equal((await api('/user/info?user_id=ann', undefined, { key: other.body.key })).status, 403);
      assert.equal((await api('/user/info?user_id=nobody')).status, 404);
      // Other user routes stay the master key's.
      assert.equal((await api('/user/list', undefined, { key: made.body.key })).status, 401);

      assert.equal((await api('/user/new', { user_id: 'ann' })).status, 409);
      assert.equal((await api('/user/new', { user_email: 'ANN@example.com' })).status, 409);
    });

    it('/user/update changes a user; /user/list pages and filters; /user/delete takes its keys too', async () => {
      const made = await api('/user/new', { user_id: 'bob', user_role: 'internal_user_viewer' });
      const updated = await api('/user/update', { user_id: 'bob', max_budget: 5, metadata: { a: 1 } });
      assert.equal(updated.status, 200);
      assert.equal(updated.body.user_id, 'bob');
      assert.equal(updated.body.data.max_budget, 5);
      assert.deepEqual(updated.body.data.metadata, { a: 1 });
      assert.equal((await api('/user/update', { max_budget: 5 })).status, 422);

      const list = await api('/user/list?page=1&page_size=2');
      assert.equal(list.status, 200);
      assert.equal(list.body.page, 1);
      assert.equal(list.body.page_size, 2);
      assert.ok(list.body.total >= 3);
      assert.equal(list.body.users.length, 2);
      assert.equal(list.body.total_pages, Math.ceil(list.body.total / 2));
      const viewers = await api('/user/list?role=internal_user_viewer');
      assert.deepEqual(
        viewers.body.users.map((u: { user_id: string }) => u.user_id),
        ['bob'],
      );
      assert.equal(viewers.body.users[0].key_count, 1);
      const byEmail = await api('/user/list?user_email=ANN@');
      assert.equal(byEmail.body.users[0].user_id, 'ann');

      const deleted = await api('/user/delete', { user_ids: ['bob'] });
      assert.equal(deleted.status, 200);
      assert.equal(deleted.body, 1);
      assert.equal((await ask(made.body.key)).status, 401, "a deleted user's key stops working");
      assert.equal((await api('/user/delete', { user_ids: ['bob'] })).status, 404);
    });

    it('/team/new, /team/info, /team/member_add and /team/member_delete keep the member list', async () => {
      await api('/user/new', { user_id: 'carol', user_email: 'carol@example.com' });
      const team = await api('/team/new', {
        team_alias: 'search',
        models: ['priced'],
        members_with_roles: [{ role: 'admin', user_id: 'carol' }],
      });
      assert.equal(team.status, 200, JSON.stringify(team.body));
      const teamId = team.body.team_id;
      assert.equal(team.body.team_alias, 'search');
      assert.equal(team.body.blocked, false);
      // Whoever creates a team is its admin too (the master key's user, as in LiteLLM).
      assert.deepEqual(
        team.body.members_with_roles.map((m: { user_id: string; role: string }) => `${m.user_id}:${m.role}`),
        ['carol:admin', 'default_user_id:admin'],
      );
      assert.equal(team.body.members_with_roles[0].user_email, 'carol@example.com');
      assert.equal((await api('/team/new', { team_id: teamId })).status, 400);

      const added = await api('/team/member_add', {
        team_id: teamId,
        member: [
          { role: 'user', user_id: 'dave' },
          { role: 'user', user_email: 'erin@example.com' },
        ],
      });
      assert.equal(added.status, 200, JSON.stringify(added.body));
      assert.equal(added.body.members_with_roles.length, 4);
      assert.equal(added.body.updated_users.length, 2);
      const again = await api('/team/member_add', {
        team_id: teamId,
        member: { role: 'user', user_id: 'dave' },
      });
      assert.equal(again.status, 400);
      assert.equal(
        (await api('/team/member_add', { team_id: 'nope', member: { role: 'user', user_id: 'x' } })).status,
        404,
      );
      assert.equal(
        (await api('/team/member_add', { team_id: teamId, member: { role: 'boss', user_id: 'x' } })).status,
        422,
      );

      const info = await api(`/team/info?team_id=${teamId}`);
      assert.equal(info.status, 200);
      assert.equal(info.body.team_id, teamId);
      assert.equal(info.body.team_info.members_with_roles.length, 4);
      assert.equal(info.body.team_memberships.length, 4);
      const dave = await api('/user/info?user_id=dave');
      assert.deepEqual(
        dave.body.teams.map((t: { team_id: string }) => t.team_id),
        [teamId],
      );

      const removed = await api('/team/member_delete', { team_id: teamId, user_email: 'erin@example.com' });
      assert.equal(removed.status, 200);
      assert.equal(removed.body.members_with_roles.length, 3);
      assert.equal(
        (await api('/team/member_delete', { team_id: teamId, user_id: 'erin-never' })).status,
        400,
      );

      const listed = await api('/team/list');
      assert.ok(listed.body.some((t: { team_id: string }) => t.team_id === teamId));
      const davesTeams = await api('/team/list?user_id=dave');
      assert.deepEqual(
        davesTeams.body.map((t: { team_id: string }) => t.team_id),
        [teamId],
      );
      assert.equal(davesTeams.body[0].team_memberships.length, 1);

      const renamed = await api('/team/update', { team_id: teamId, team_alias: 'search-2' });
      assert.equal(renamed.status, 200);
      assert.equal(renamed.body.team_id, teamId);
      assert.equal(renamed.body.data.team_alias, 'search-2');
      assert.equal(renamed.body.data.members_with_roles.length, 3, 'the rest of the team is unchanged');
      assert.equal((await api('/team/update', { team_id: 'nope', team_alias: 'x' })).status, 404);
    });

    it('a team key and a member may read their team with /team/info; another key may not', async () => {
      const team = await api('/team/new', { team_alias: 'readers' });
      const teamKey = await api('/key/generate', { team_id: team.body.team_id });
      const member = await api('/user/new', { user_id: 'frank' });
      await api('/team/member_add', {
        team_id: team.body.team_id,
        member: { role: 'user', user_id: 'frank' },
      });
      const stranger = await api('/key/generate', {});
      const info = (key: string) => api(`/team/info?team_id=${team.body.team_id}`, undefined, { key });
      assert.equal((await info(teamKey.body.key)).status, 200);
      assert.equal((await info(member.body.key)).status, 200);
      assert.equal((await info(stranger.body.key)).status, 403);
      assert.equal((await api('/team/info?team_id=missing')).status, 404);
    });

    it("a team's budget, once spent, refuses its keys' requests (400 budget_exceeded)", async () => {
      const team = await api('/team/new', { team_alias: 'thrifty', max_budget: 0.01 });
      const key = await api('/key/generate', { team_id: team.body.team_id });
      assert.equal((await ask(key.body.key)).status, 200);
      await flush();
      const refused = await ask(key.body.key);
      assert.equal(refused.status, 400);
      assert.equal(refused.type, 'budget_exceeded');
      assert.match(refused.message ?? '', /Team=/);
      const info = await api(`/team/info?team_id=${team.body.team_id}`);
      assert.ok(info.body.team_info.spend > 0.01);
      // Raising the budget lets the keys in again.
      await api('/team/update', { team_id: team.body.team_id, max_budget: 100 });
      assert.equal((await ask(key.body.key)).status, 200);
    });

    it("a blocked team's keys get 401 until it is unblocked", async () => {
      const team = await api('/team/new', { team_alias: 'blockable' });
      const key = await api('/key/generate', { team_id: team.body.team_id });
      const blocked = await api('/team/block', { team_id: team.body.team_id });
      assert.equal(blocked.status, 200);
      assert.equal(blocked.body.blocked, true);
      const refused = await ask(key.body.key);
      assert.equal(refused.status, 401);
      assert.match(refused.message ?? '', /blocked/);
      assert.equal((await api('/team/unblock', { team_id: team.body.team_id })).body.blocked, false);
      assert.equal((await ask(key.body.key)).status, 200);
      assert.equal((await api('/team/block', { team_id: 'missing' })).status, 404);
    });

    it('a member over their budget in the team is refused; /user/info shows the membership budget', async () => {
      const team = await api('/team/new', { team_alias: 'members' });
      const user = await api('/user/new', { user_id: 'gina', team_id: team.body.team_id, max_budget: 10 });
      assert.equal(user.body.team_id, team.body.team_id, "the user's key is the team's");
      const updated = await api('/team/member_update', {
        team_id: team.body.team_id,
        user_id: 'gina',
        max_budget_in_team: 0.0000001,
      });
      assert.equal(updated.status, 200);
      assert.equal(updated.body.max_budget_in_team, 0.0000001);
      assert.equal((await ask(user.body.key)).status, 200);
      await flush();
      const refused = await ask(user.body.key);
      assert.equal(refused.status, 400);
      assert.equal(refused.type, 'budget_exceeded');
      assert.match(refused.message ?? '', /Team member=gina/);

      const info = await api('/user/info?user_id=gina');
      const membership = info.body.teams[0].team_memberships[0];
      assert.equal(membership.litellm_budget_table.max_budget, 0.0000001);
      assert.ok(membership.spend > 0);
      assert.equal(
        (
          await api('/team/member_update', {
            team_id: team.body.team_id,
            user_id: 'nobody',
            max_budget_in_team: 1,
          })
        ).status,
        400,
      );
    });

    it('a team default member budget applies to members added later', async () => {
      const team = await api('/team/new', { team_alias: 'defaults', team_member_budget: 0.0000001 });
      const user = await api('/user/new', { user_id: 'hank', team_id: team.body.team_id });
      assert.equal((await ask(user.body.key)).status, 200);
      await flush();
      assert.equal((await ask(user.body.key)).status, 400);
      const info = await api(`/team/info?team_id=${team.body.team_id}`);
      assert.equal(info.body.team_info.team_member_budget_table.max_budget, 0.0000001);
      // Raising the team's default reaches members who have no budget of their own.
      await api('/team/update', { team_id: team.body.team_id, team_member_budget: 100 });
      assert.equal((await ask(user.body.key)).status, 200);
    });

    it("/team/delete deletes the team's keys and memberships", async () => {
      await api('/user/new', { user_id: 'ivy' });
      const team = await api('/team/new', {
        team_alias: 'doomed',
        members_with_roles: [{ role: 'user', user_id: 'ivy' }],
      });
      const key = await api('/key/generate', { team_id: team.body.team_id });
      assert.equal((await api('/user/info?user_id=ivy')).body.teams.length, 1);
      const deleted = await api('/team/delete', { team_ids: [team.body.team_id] });
      assert.equal(deleted.status, 200);
      assert.deepEqual(deleted.body, { deleted_teams: [team.body.team_id] });
      assert.equal((await api('/user/info?user_id=ivy')).body.teams.length, 0);
      assert.equal((await api(`/team/info?team_id=${team.body.team_id}`)).status, 404);
      assert.equal((await ask(key.body.key)).status, 401);
      assert.equal((await api('/team/delete', { team_ids: [team.body.team_id] })).status, 404);
    });

    it('parallel /team/new calls naming the same user all land in its teams', async () => {
      await api('/user/new', { user_id: 'jack' });
      const made = await Promise.all(
        Array.from({ length: 10 }, () =>
          api('/team/new', {
            team_alias: 'parallel',
            members_with_roles: [{ role: 'user', user_id: 'jack' }],
          }),
        ),
      );
      assert.ok(made.every((r) => r.status === 200));
      const info = await api('/user/info?user_id=jack');
      assert.equal(info.body.teams.length, 10);
      assert.equal(info.body.user_info.teams.length, 10);
    });
  });
}

usersTeamsTests('SQLite', async () => ({ sqlitePath: `${tempDir({})}/accounts.db` }));
usersTeamsTests('PostgreSQL', async () => ({ databaseUrl: await freshDatabase() }), postgresMissing);
