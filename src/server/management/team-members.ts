/**
 * A team's members: `/team/member_add`, `/team/member_update`, `/team/member_delete`. A member is in
 * the team's `members_with_roles` (LiteLLM's list, with a role), in the user's `teams`, and has a row
 * in tg_team_members holding the member's spend in the team and budget there (`max_budget_in_team`,
 * `tpm_limit`, `rpm_limit`), which admission checks for the member's keys in that team. Unlike
 * LiteLLM, every member has that row (not only those with a budget), so a member's spend is known
 * from the start and a budget set later applies to what was already spent.
 */
import type { FastifyInstance } from 'fastify';
import type { Entity } from '../../accounts/entity-table.ts';
import type { SqlDb } from '../../accounts/sql/db.ts';
import type { JsonObject } from '../../shared/json.ts';
import {
  budgetTable,
  checkBudgetValues,
  lockedGet,
  type Member,
  newId,
  newUserEntity,
  readMembers,
  requiredText,
  resetAt,
  usersByEmail,
} from './common.ts';
import type { Management } from './context.ts';
import { badInput, bodyObject, invalid, notFound, readFields } from './fields.ts';

export const TEAM_ROLES = ['admin', 'user'] as const;

export const readTeamMembers = (value: unknown, name = 'member'): Member[] =>
  readMembers(value, TEAM_ROLES, name);

export function registerTeamMemberRoutes(app: FastifyInstance, m: Management): void {
  app.post('/team/member_add', async (request) => memberAdd(m, bodyObject(request.body)));
  app.post('/team/member_update', async (request) => memberUpdate(m, bodyObject(request.body)));
  app.post('/team/member_delete', async (request) => memberDelete(m, bodyObject(request.body)));
}

/** A membership as LiteLLM's LiteLLM_TeamMembership shows it. */
export function membershipView(member: Entity): JsonObject {
  const hasBudget = ['max_budget', 'tpm_limit', 'rpm_limit'].some(
    (f) => member[f] !== null && member[f] !== undefined,
  );
  return {
    user_id: member.user_id,
    team_id: member.team_id,
    budget_id: member.budget_id ?? null,
    spend: member.spend,
    litellm_budget_table: hasBudget ? budgetTable(member) : null,
  };
}

export function membersOf(team: Entity): Member[] {
  return Array.isArray(team.members_with_roles) ? (team.members_with_roles as Member[]) : [];
}

const same = (a: Member, b: Member) =>
  (a.user_id !== undefined && a.user_id !== null && a.user_id === b.user_id) ||
  (a.user_email !== undefined && a.user_email !== null && a.user_email === b.user_email);

/**
 * Adds members to a team read with `lockedGet` in `tx`: their users (made when new, as LiteLLM does),
 * the team's list and their membership rows. Members already in the team are skipped.
 */
export async function addTeamMembers(
  tx: SqlDb,
  m: Management,
  team: Entity,
  members: Member[],
  maxBudgetInTeam: number | undefined,
): Promise<{ team: Entity; users: Entity[]; memberships: Entity[] }> {
  const t = m.accounts.tables;
  const teamId = String(team.team_id);
  const list = [...membersOf(team)];
  const users: Entity[] = [];
  const memberships: Entity[] = [];
  for (const member of members) {
    if (list.some((existing) => same(existing, member))) continue;
    const user = await memberUser(tx, m, member, teamId);
    users.push(user);
    const userId = String(user.user_id);
    if (list.some((existing) => existing.user_id === userId)) continue;
    list.push({
      user_id: userId,
      user_email: (user.user_email as string | null) ?? member.user_email ?? undefined,
      role: member.role,
    });
    const row: Entity = {
      team_id: teamId,
      user_id: userId,
      budget_id: null,
      // A budget given with the member, else the team's default for its members.
      max_budget: maxBudgetInTeam ?? team.team_member_budget ?? null,
      tpm_limit: team.team_member_tpm_limit ?? null,
      rpm_limit: team.team_member_rpm_limit ?? null,
      budget_duration: team.team_member_budget_duration ?? null,
      budget_reset_at: resetAt(team.team_member_budget_duration),
      team_default_budget: maxBudgetInTeam === undefined,
    };
    if (await t.teamMembers.insert(tx, row))
      memberships.push((await t.teamMembers.get(tx, teamId, userId)) ?? row);
  }
  const changed = { ...team, members_with_roles: list.map(memberJson) };
  await t.teams.replace(tx, changed);
  return { team: (await t.teams.get(tx, teamId)) ?? changed, users, memberships };
}

/** The member's user, found by id or email, or made; with the team in its `teams`. */
async function memberUser(tx: SqlDb, m: Management, member: Member, teamId: string): Promise<Entity> {
  const t = m.accounts.tables;
  let user: Entity | undefined;
  if (member.user_id !== undefined) user = await lockedGet(tx, t.users, member.user_id);
  else if (member.user_email !== undefined) {
    const found = await usersByEmail(m, tx, member.user_email);
    if (found.length > 1)
      throw badInput("Multiple users with this email found in db. Please use 'user_id' instead.");
    user = found[0] === undefined ? undefined : await lockedGet(tx, t.users, String(found[0].user_id));
  }
  if (user === undefined) {
    const made = newUserEntity(m, member.user_id ?? newId(), {
      user_email: member.user_email ?? null,
      teams: [teamId],
    });
    await t.users.insert(tx, made);
    return (await t.users.get(tx, String(made.user_id))) ?? made;
  }
  const teams = Array.isArray(user.teams) ? (user.teams as string[]) : [];
  if (!teams.includes(teamId)) {
    user = { ...user, teams: [...teams, teamId] };
    await t.users.replace(tx, user);
  }
  return user;
}

const memberJson = (member: Member): JsonObject => ({
  user_id: member.user_id ?? null,
  user_email: member.user_email ?? null,
  role: member.role,
});

/**
 * Takes a user out of a team: the team's list, the user's `teams`, the membership row, and the user's
 * keys for that team (as LiteLLM does: a key made for a team is the team's to take away).
 */
export async function removeTeamMember(
  tx: SqlDb,
  m: Management,
  team: Entity,
  who: { user_id?: string; user_email?: string },
): Promise<{ team: Entity; found: boolean }> {
  const t = m.accounts.tables;
  const teamId = String(team.team_id);
  const target = { role: '', ...who };
  const leaving = membersOf(team).filter((member) => same(member, target));
  if (leaving.length === 0) return { team, found: false };
  const changed = { ...team, members_with_roles: membersOf(team).filter((member) => !same(member, target)) };
  await t.teams.replace(tx, changed);
  const userIds = new Set(
    leaving.map((member) => member.user_id).filter((id): id is string => typeof id === 'string'),
  );
  if (who.user_id !== undefined) userIds.add(who.user_id);
  for (const userId of userIds) {
    const user = await lockedGet(tx, t.users, userId);
    if (user !== undefined && Array.isArray(user.teams))
      await t.users.replace(tx, { ...user, teams: (user.teams as string[]).filter((id) => id !== teamId) });
    await t.teamMembers.delete(tx, teamId, userId);
    await tx.run('DELETE FROM tg_keys WHERE team_id = $1 AND user_id = $2', [teamId, userId]);
  }
  return { team: changed, found: true };
}

async function memberAdd(m: Management, body: JsonObject): Promise<JsonObject> {
  const teamId = requiredText(body, 'team_id');
  if (body.member === undefined || body.member === null) throw badInput('No member/members passed in');
  const members = readTeamMembers(body.member);
  const { max_budget_in_team: maxBudget } = readFields(body, { max_budget_in_team: 'number' });
  checkBudgetValues({ max_budget: maxBudget });
  const { accounts } = m;
  const result = await accounts.db.transaction(async (tx) => {
    const team = await lockedGet(tx, accounts.tables.teams, teamId);
    if (team === undefined) throw notFound(`Team not found for team_id=${teamId}`);
    const duplicates = members.filter((member) => membersOf(team).some((existing) => same(existing, member)));
    if (duplicates.length === members.length)
      throw badInput(
        members.length === 1
          ? `User already in team. Member: user_id=${members[0]?.user_id}, user_email=${members[0]?.user_email}`
          : 'All users are already in team.',
      );
    return addTeamMembers(tx, m, team, members, maxBudget as number | undefined);
  });
  await accounts.changed();
  return {
    ...result.team,
    updated_users: result.users,
    updated_team_memberships: result.memberships.map(membershipView),
  };
}

async function memberUpdate(m: Management, body: JsonObject): Promise<JsonObject> {
  const teamId = requiredText(body, 'team_id');
  const who = readFields(body, { user_id: 'string', user_email: 'string' });
  if (who.user_id === undefined && who.user_email === undefined)
    throw badInput('Either user_id or user_email needs to be passed in');
  const fields = readFields(body, {
    max_budget_in_team: 'number',
    role: 'string',
    tpm_limit: 'int',
    rpm_limit: 'int',
  });
  if (fields.role !== undefined && !(TEAM_ROLES as readonly string[]).includes(fields.role as string))
    throw invalid(`role: must be one of ${TEAM_ROLES.join(', ')}`);
  checkBudgetValues({ max_budget: fields.max_budget_in_team });
  const { accounts } = m;
  const t = accounts.tables;
  const userId = await accounts.db.transaction(async (tx) => {
    const team = await lockedGet(tx, t.teams, teamId);
    if (team === undefined) throw badInput(`Team id=${teamId} does not exist in db`);
    const member = membersOf(team).find((existing) =>
      same(existing, { role: '', ...(who as Partial<Member>) }),
    );
    if (typeof member?.user_id !== 'string')
      throw badInput(`User id doesn't exist in team table. team_id=${teamId}`);
    const row = (await lockedGet(tx, t.teamMembers, teamId, member.user_id)) ?? {
      team_id: teamId,
      user_id: member.user_id,
      budget_id: null,
    };
    const changed: Entity = { ...row, team_default_budget: false };
    if (fields.max_budget_in_team !== undefined) changed.max_budget = fields.max_budget_in_team;
    if (fields.tpm_limit !== undefined) changed.tpm_limit = fields.tpm_limit;
    if (fields.rpm_limit !== undefined) changed.rpm_limit = fields.rpm_limit;
    if (!(await t.teamMembers.insert(tx, changed))) await t.teamMembers.replace(tx, changed);
    if (fields.role !== undefined)
      await t.teams.replace(tx, {
        ...team,
        members_with_roles: membersOf(team).map((existing) =>
          existing.user_id === member.user_id
            ? memberJson({ ...existing, role: fields.role as string })
            : existing,
        ),
      });
    return member.user_id;
  });
  await accounts.changed();
  return {
    team_id: teamId,
    user_id: userId,
    user_email: who.user_email ?? null,
    max_budget_in_team: fields.max_budget_in_team ?? null,
    tpm_limit: fields.tpm_limit ?? null,
    rpm_limit: fields.rpm_limit ?? null,
  };
}

async function memberDelete(m: Management, body: JsonObject): Promise<JsonObject> {
  const teamId = requiredText(body, 'team_id');
  const who = readFields(body, { user_id: 'string', user_email: 'string' }) as {
    user_id?: string;
    user_email?: string;
  };
  if (who.user_id === undefined && who.user_email === undefined)
    throw badInput('Either user_id or user_email needs to be passed in');
  const { accounts } = m;
  const team = await accounts.db.transaction(async (tx) => {
    const existing = await lockedGet(tx, accounts.tables.teams, teamId);
    if (existing === undefined) throw badInput(`Team id=${teamId} does not exist in db`);
    const removed = await removeTeamMember(tx, m, existing, who);
    if (!removed.found) throw badInput('User not found in team');
    return (await accounts.tables.teams.get(tx, teamId)) ?? removed.team;
  });
  await accounts.changed();
  return team;
}
