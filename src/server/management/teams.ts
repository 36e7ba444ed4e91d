/**
 * LiteLLM's teams: `/team/new`, `/team/update`, `/team/delete`, `/team/info`, `/team/list`,
 * `/team/block`, `/team/unblock`. A team's budget, limits and models bound every key made for it
 * (admission.ts); a blocked team's keys are refused. `/team/info` is open to a virtual key for its own
 * team (or a team its user is a member of), as LiteLLM lets team members read their team.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Entity } from '../../accounts/entity-table.ts';
import type { SqlDb } from '../../accounts/sql/db.ts';
import type { JsonObject } from '../../shared/json.ts';
import { isAdmin, KEYS, principalOf } from '../principal.ts';
import {
  callerId,
  checkBudgetValues,
  forbidden,
  lockedGet,
  newId,
  requiredIds,
  requiredText,
  resetAt,
} from './common.ts';
import type { Management } from './context.ts';
import {
  badInput,
  bodyObject,
  clearedFields,
  type FieldSpec,
  invalid,
  notFound,
  queryText,
  readFields,
} from './fields.ts';
import {
  addTeamMembers,
  membershipView,
  membersOf,
  readTeamMembers,
  removeTeamMember,
} from './team-members.ts';

const TEAM_FIELDS: FieldSpec = {
  team_alias: 'string',
  organization_id: 'string',
  metadata: 'object',
  tpm_limit: 'int',
  rpm_limit: 'int',
  max_parallel_requests: 'int',
  max_budget: 'number',
  soft_budget: 'number',
  budget_duration: 'duration',
  models: 'strings',
  blocked: 'bool',
  tags: 'strings',
  model_aliases: 'object',
  guardrails: 'strings',
  policies: 'strings',
  prompts: 'strings',
  object_permission: 'object',
  allowed_passthrough_routes: 'json',
  secret_manager_settings: 'object',
  model_rpm_limit: 'object',
  model_tpm_limit: 'object',
  team_member_permissions: 'strings',
  team_member_budget: 'number',
  team_member_budget_duration: 'duration',
  team_member_rpm_limit: 'int',
  team_member_tpm_limit: 'int',
  team_member_key_duration: 'duration',
  router_settings: 'object',
  access_group_ids: 'strings',
};

/** Fields every team shows, at LiteLLM's defaults when not given. */
const TEAM_DEFAULTS = {
  team_alias: null,
  organization_id: null,
  admins: [],
  members: [],
  members_with_roles: [],
  team_member_permissions: null,
  metadata: {},
  tpm_limit: null,
  rpm_limit: null,
  max_budget: null,
  soft_budget: null,
  budget_duration: null,
  models: [],
  blocked: false,
  router_settings: {},
  access_group_ids: null,
  max_parallel_requests: null,
  model_id: null,
  object_permission_id: null,
} as const;

/** Fields of the team's default budget for members: a change reaches members without one of their own. */
const MEMBER_DEFAULTS = [
  'team_member_budget',
  'team_member_tpm_limit',
  'team_member_rpm_limit',
  'team_member_budget_duration',
];

export function registerTeamRoutes(app: FastifyInstance, m: Management): void {
  app.post('/team/new', async (request) => newTeam(m, bodyObject(request.body), request));
  app.post('/team/update', async (request) => updateTeam(m, bodyObject(request.body)));
  app.post('/team/delete', async (request) => deleteTeams(m, bodyObject(request.body)));
  app.get('/team/info', KEYS, async (request) => teamInfo(m, request));
  app.get('/team/list', async (request) => listTeams(m, request.query));
  app.post('/team/block', async (request) => setBlocked(m, bodyObject(request.body), true));
  app.post('/team/unblock', async (request) => setBlocked(m, bodyObject(request.body), false));
}

/** A team as LiteLLM answers it: its model aliases shown as the model table they are in there. */
export function teamView(team: Entity): JsonObject {
  const aliases = team.model_aliases;
  return { ...team, litellm_model_table: aliases ? { model_aliases: aliases } : null };
}

async function checkOrganization(m: Management, db: SqlDb, orgId: unknown): Promise<void> {
  if (typeof orgId === 'string' && (await m.accounts.tables.organizations.get(db, orgId)) === undefined)
    throw badInput(`Organization not found for organization_id=${orgId}`);
}

async function newTeam(m: Management, body: JsonObject, request: FastifyRequest): Promise<JsonObject> {
  const fields = readFields(body, TEAM_FIELDS);
  checkBudgetValues(fields);
  const given = readFields(body, { team_id: 'string' }).team_id;
  const teamId = typeof given === 'string' ? given : newId();
  const members = readTeamMembers(body.members_with_roles, 'members_with_roles');
  // LiteLLM makes whoever creates a team its admin (the master key's user is `default_user_id`).
  const creator = callerId(m, request);
  if (!members.some((member) => member.user_id === creator))
    members.push({ user_id: creator, role: 'admin' });
  const { accounts } = m;
  const t = accounts.tables;
  const team = await accounts.db.transaction(async (tx) => {
    await checkOrganization(m, tx, fields.organization_id);
    const entity: Entity = {
      ...TEAM_DEFAULTS,
      ...fields,
      team_id: teamId,
      spend: 0,
      budget_reset_at: resetAt(fields.budget_duration),
      created_by: creator,
      updated_by: creator,
    };
    if (!(await t.teams.insert(tx, entity)))
      throw badInput(`Team id = ${teamId} already exists. Please use a different team id.`);
    const stored = await lockedGet(tx, t.teams, teamId);
    return (await addTeamMembers(tx, m, stored ?? entity, members, undefined)).team;
  });
  await accounts.changed();
  return teamView(team);
}

async function updateTeam(m: Management, body: JsonObject): Promise<JsonObject> {
  const teamId = requiredText(body, 'team_id');
  // An empty organization_id takes the team out of its organization.
  const unsetOrg = body.organization_id === '';
  const fields = readFields(unsetOrg ? { ...body, organization_id: null } : body, TEAM_FIELDS);
  const { accounts } = m;
  const t = accounts.tables;
  const team = await accounts.db.transaction(async (tx) => {
    const existing = await lockedGet(tx, t.teams, teamId);
    if (existing === undefined) throw notFound(`Team not found, passed team_id=${teamId}`);
    checkBudgetValues(fields, existing);
    await checkOrganization(m, tx, fields.organization_id);
    const cleared = clearedFields(body, TEAM_FIELDS, ['team_id', 'organization_id', 'metadata']);
    const changed: Entity = { ...existing, ...cleared, ...fields };
    if (cleared.budget_duration === null) changed.budget_reset_at = null;
    if (unsetOrg) changed.organization_id = null;
    if (typeof fields.budget_duration === 'string') changed.budget_reset_at = resetAt(fields.budget_duration);
    if (fields.metadata !== undefined)
      changed.metadata = { ...(existing.metadata as JsonObject), ...(fields.metadata as JsonObject) };
    await t.teams.replace(tx, changed);
    if (MEMBER_DEFAULTS.some((name) => fields[name] !== undefined)) await applyMemberDefaults(tx, m, changed);
    return (await t.teams.get(tx, teamId)) ?? changed;
  });
  await accounts.changed();
  return { team_id: teamId, data: teamView(team) };
}

/** The team's new member defaults, on the memberships that follow them (none set by member_update). */
async function applyMemberDefaults(tx: SqlDb, m: Management, team: Entity): Promise<void> {
  const t = m.accounts.tables;
  const rows = await t.teamMembers.find(tx, 'team_id = $1', [String(team.team_id)]);
  for (const row of rows) {
    if (row.team_default_budget !== true) continue;
    const duration = team.team_member_budget_duration ?? null;
    await t.teamMembers.replace(tx, {
      ...row,
      max_budget: team.team_member_budget ?? null,
      tpm_limit: team.team_member_tpm_limit ?? null,
      rpm_limit: team.team_member_rpm_limit ?? null,
      budget_duration: duration,
      budget_reset_at: duration === row.budget_duration ? row.budget_reset_at : resetAt(duration),
    });
  }
}

/** Deletes teams with their memberships and, as LiteLLM does, their keys: a team's keys die with it. */
async function deleteTeams(m: Management, body: JsonObject): Promise<JsonObject> {
  const ids = requiredIds(body, 'team_ids');
  const { accounts } = m;
  await accounts.db.transaction(async (tx) => {
    for (const id of ids) {
      const team = await lockedGet(tx, accounts.tables.teams, id);
      if (team === undefined) throw notFound(`Team not found, passed team_id=${id}`);
      await deleteTeamIn(tx, m, team);
    }
  });
  await accounts.changed();
  return { deleted_teams: ids };
}

/** One team's removal, inside the caller's transaction (organization delete uses it too). */
export async function deleteTeamIn(tx: SqlDb, m: Management, team: Entity): Promise<void> {
  const id = String(team.team_id);
  await tx.run('DELETE FROM tg_keys WHERE team_id = $1', [id]);
  let current = team;
  for (const member of membersOf(team))
    current = (
      await removeTeamMember(tx, m, current, { user_id: member.user_id, user_email: member.user_email })
    ).team;
  await tx.run('DELETE FROM tg_team_members WHERE team_id = $1', [id]);
  await m.accounts.tables.teams.delete(tx, id);
}

async function teamInfo(m: Management, request: FastifyRequest): Promise<JsonObject> {
  const teamId = queryText(request.query, 'team_id');
  if (teamId === undefined) throw invalid('Malformed request. No team id passed in.');
  const { tables, db } = m.accounts;
  const team = await tables.teams.get(db, teamId);
  if (team === undefined) throw notFound(`Team not found, passed team id: ${teamId}.`);
  const principal = principalOf(request);
  if (!isAdmin(principal)) {
    // A key of the team, or of a user who is a member, may read it; no one else.
    const key = principal?.key;
    const member = membersOf(team).some(
      (mb) => typeof key?.user_id === 'string' && mb.user_id === key.user_id,
    );
    if (key?.team_id !== teamId && !member)
      throw forbidden(`API key not authorized to access this team=${teamId}`);
  }
  const [keys, memberships] = await Promise.all([
    tables.keys.find(db, 'team_id = $1', [teamId]),
    tables.teamMembers.find(db, 'team_id = $1', [teamId]),
  ]);
  return {
    team_id: teamId,
    team_info: { ...teamView(team), team_member_budget_table: memberBudgetTable(team) },
    keys,
    team_memberships: memberships.map(membershipView),
  };
}

/** The team's default for its members, shown as LiteLLM shows the budget row it keeps for it. */
function memberBudgetTable(team: Entity): JsonObject | null {
  if (MEMBER_DEFAULTS.every((name) => team[name] === undefined || team[name] === null)) return null;
  return {
    budget_id: null,
    max_budget: team.team_member_budget ?? null,
    tpm_limit: team.team_member_tpm_limit ?? null,
    rpm_limit: team.team_member_rpm_limit ?? null,
    budget_duration: team.team_member_budget_duration ?? null,
  };
}

/** Every team (or a user's, or an organization's), with its memberships and keys, by alias. */
async function listTeams(m: Management, query: unknown): Promise<JsonObject[]> {
  const userId = queryText(query, 'user_id');
  const orgId = queryText(query, 'organization_id');
  const { tables, db } = m.accounts;
  const where: string[] = [];
  const params: string[] = [];
  if (userId !== undefined) {
    params.push(userId);
    where.push(`team_id IN (SELECT team_id FROM tg_team_members WHERE user_id = $${params.length})`);
  }
  // LiteLLM's "default_organization" means teams in no organization.
  if (orgId === 'default_organization') where.push('organization_id IS NULL');
  else if (orgId !== undefined) {
    params.push(orgId);
    where.push(`organization_id = $${params.length}`);
  }
  const teams = await tables.teams.find(db, where.length > 0 ? where.join(' AND ') : '1 = 1', params);
  const out: JsonObject[] = [];
  for (const team of teams) out.push(await teamWithMemberships(m, db, team, userId));
  return out.sort((a, b) => String(a.team_alias ?? '').localeCompare(String(b.team_alias ?? '')));
}

/** A team with its memberships (one user's only, when given) and keys, as `/team/list` and `/user/info` show it. */
export async function teamWithMemberships(
  m: Management,
  db: SqlDb,
  team: Entity,
  userId: string | undefined,
): Promise<JsonObject> {
  const { tables } = m.accounts;
  const id = String(team.team_id);
  const memberships =
    userId === undefined
      ? await tables.teamMembers.find(db, 'team_id = $1', [id])
      : await tables.teamMembers.find(db, 'team_id = $1 AND user_id = $2', [id, userId]);
  const keys = await tables.keys.find(db, 'team_id = $1', [id]);
  return { ...teamView(team), team_memberships: memberships.map(membershipView), keys };
}

async function setBlocked(m: Management, body: JsonObject, blocked: boolean): Promise<JsonObject> {
  const teamId = requiredText(body, 'team_id');
  const { tables, db } = m.accounts;
  const team = await tables.teams.get(db, teamId);
  if (team === undefined) throw notFound(`Team not found, passed team_id=${teamId}`);
  await tables.teams.replace(db, { ...team, blocked });
  await m.accounts.changed();
  return teamView((await tables.teams.get(db, teamId)) ?? team);
}
