/**
 * LiteLLM's internal users: `/user/new`, `/user/info`, `/user/update`, `/user/delete`, `/user/list`.
 * A user's budget, limits and models bound the keys made for it; `/user/new` makes the user's first key
 * too (unless `auto_create_key` is false) and puts the user in the teams and organizations it names.
 * `/user/info` is open to a virtual key for its own user.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Entity } from '../../accounts/entity-table.ts';
import { hashKey, keyName, newKey } from '../../accounts/key-text.ts';
import type { SqlDb } from '../../accounts/sql/db.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { isJsonObject, type JsonObject } from '../../shared/json.ts';
import { isAdmin, KEYS, principalOf } from '../principal.ts';
import {
  callerId,
  checkBudgetValues,
  forbidden,
  lockedGet,
  newId,
  newUserEntity,
  requiredIds,
  resetAt,
  usersByEmail,
} from './common.ts';
import type { Management } from './context.ts';
import {
  badInput,
  bodyObject,
  type FieldSpec,
  invalid,
  notFound,
  queryInt,
  queryText,
  readFields,
} from './fields.ts';
import { KEY_DEFAULTS } from './key-fields.ts';
import { addOrgMember } from './organizations.ts';
import { addTeamMembers, removeTeamMember } from './team-members.ts';
import { teamWithMemberships } from './teams.ts';

const ROLES = ['proxy_admin', 'proxy_admin_viewer', 'internal_user', 'internal_user_viewer'];

/** The user's own fields (the rest of /user/new's body is for the key it makes). */
const USER_FIELDS: FieldSpec = {
  user_email: 'string',
  user_alias: 'string',
  user_role: 'string',
  max_budget: 'number',
  soft_budget: 'number',
  budget_duration: 'duration',
  models: 'strings',
  tpm_limit: 'int',
  rpm_limit: 'int',
  max_parallel_requests: 'int',
  metadata: 'object',
  spend: 'number',
  model_max_budget: 'object',
  allowed_cache_controls: 'strings',
  sso_user_id: 'string',
};

/** What the key made by /user/new takes from the body besides the user's models and limits. */
const KEY_ONLY_FIELDS: FieldSpec = {
  key_alias: 'string',
  duration: 'duration',
  aliases: 'object',
  config: 'object',
  permissions: 'object',
  blocked: 'bool',
  guardrails: 'strings',
  model_rpm_limit: 'object',
  model_tpm_limit: 'object',
};

export function registerUserRoutes(app: FastifyInstance, m: Management): void {
  app.post('/user/new', async (request) => newUser(m, bodyObject(request.body), request));
  app.get('/user/info', KEYS, async (request) => userInfo(m, request));
  app.post('/user/update', async (request) => updateUser(m, bodyObject(request.body)));
  app.post('/user/delete', async (request, reply) => {
    // LiteLLM answers the number of users deleted, as a bare JSON number.
    const deleted = await deleteUsers(m, bodyObject(request.body));
    return reply.type('application/json').send(JSON.stringify(deleted));
  });
  app.get('/user/list', async (request) => listUsers(m, request.query));
}

function readUserFields(body: JsonObject): JsonObject {
  const fields = readFields(body, USER_FIELDS);
  if (fields.user_role !== undefined && !ROLES.includes(fields.user_role as string))
    throw invalid(`user_role: must be one of ${ROLES.join(', ')}`);
  checkBudgetValues(fields);
  return fields;
}

/** /user/new's `teams`: ids, or `{team_id, max_budget_in_team, user_role}`. */
function readTeams(
  value: unknown,
): Array<{ team_id: string; max_budget_in_team?: number; user_role: string }> {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid('teams: must be a list');
  return value.map((item) => {
    if (typeof item === 'string') return { team_id: item, user_role: 'user' };
    if (!isJsonObject(item) || typeof item.team_id !== 'string')
      throw invalid('teams: each must be a team id or {team_id}');
    const budget = item.max_budget_in_team;
    const role = item.user_role ?? 'user';
    if (role !== 'user' && role !== 'admin') throw invalid('teams.user_role: must be user or admin');
    return {
      team_id: item.team_id,
      max_budget_in_team: typeof budget === 'number' ? budget : undefined,
      user_role: role,
    };
  });
}

async function newUser(m: Management, body: JsonObject, request: FastifyRequest): Promise<JsonObject> {
  const fields = readUserFields(body);
  const keyFields = readFields(body, KEY_ONLY_FIELDS);
  const { user_id: givenId, team_id: teamId } = readFields(body, { user_id: 'string', team_id: 'string' });
  const organizations = readFields(body, { organizations: 'strings' }).organizations as string[] | undefined;
  const teams =
    teamId === undefined ? readTeams(body.teams) : [{ team_id: teamId as string, user_role: 'user' }];
  const makeKey = body.auto_create_key !== false;
  const userId = typeof givenId === 'string' ? givenId : newId();
  const key = makeKey ? newKey() : undefined;
  const creator = callerId(m, request);
  const { accounts } = m;
  const t = accounts.tables;
  const { user, keyEntity } = await accounts.db.transaction(async (tx) => {
    if ((await t.users.get(tx, userId)) !== undefined)
      throw conflict(`User with id ${userId} already exists`);
    if (typeof fields.user_email === 'string' && (await usersByEmail(m, tx, fields.user_email)).length > 0)
      throw conflict(`User with email ${fields.user_email} already exists`);
    for (const team of teams)
      if ((await t.teams.get(tx, team.team_id)) === undefined)
        throw badInput(`Team id=${team.team_id} does not exist. Create it with /team/new first.`);
    for (const org of organizations ?? [])
      if ((await t.organizations.get(tx, org)) === undefined)
        throw badInput(`Organization not found for organization_id=${org}`);
    const made = newUserEntity(m, userId, {
      user_role: null,
      ...fields,
      spend: (fields.spend as number | undefined) ?? 0,
      budget_reset_at: resetAt(fields.budget_duration),
      created_by: creator,
      updated_by: creator,
    });
    await t.users.insert(tx, made);
    const keyEntity =
      key === undefined ? undefined : await insertUserKey(tx, m, made, keyFields, teamId, key, creator);
    for (const team of teams) {
      const row = await lockedGet(tx, t.teams, team.team_id);
      if (row !== undefined)
        await addTeamMembers(
          tx,
          m,
          row,
          [{ user_id: userId, role: team.user_role }],
          team.max_budget_in_team,
        );
    }
    for (const org of organizations ?? []) await addOrgMember(tx, m, org, userId, 'internal_user');
    return { user: (await t.users.get(tx, userId)) ?? made, keyEntity };
  });
  await accounts.changed();
  const { token: _token, ...keyShown } = keyEntity ?? {};
  return {
    ...keyShown,
    ...user,
    key: key ?? '',
    ...(keyEntity ? { key_name: keyEntity.key_name, expires: keyEntity.expires } : {}),
  };
}

function conflict(message: string): GatewayError {
  return new GatewayError(message, { status: 409, type: 'bad_request_error', code: '409' });
}

/** The key /user/new makes: the user's models and limits, no budget of its own (the user's applies). */
async function insertUserKey(
  tx: SqlDb,
  m: Management,
  user: Entity,
  keyFields: JsonObject,
  teamId: unknown,
  key: string,
  creator: string,
): Promise<Entity> {
  const t = m.accounts.tables;
  if (typeof keyFields.key_alias === 'string') {
    const taken = await t.keys.find(tx, 'key_alias = $1', [keyFields.key_alias], { limit: 1 });
    if (taken.length > 0)
      throw badInput(
        `Unique key aliases across all keys are required. Key alias "${keyFields.key_alias}" is taken.`,
      );
  }
  const team = typeof teamId === 'string' ? await t.teams.get(tx, teamId) : undefined;
  const { duration, ...rest } = keyFields;
  const entity: Entity = {
    ...KEY_DEFAULTS,
    ...rest,
    models: user.models ?? [],
    metadata: user.metadata ?? {},
    tpm_limit: user.tpm_limit ?? null,
    rpm_limit: user.rpm_limit ?? null,
    max_parallel_requests: user.max_parallel_requests ?? null,
    allowed_cache_controls: user.allowed_cache_controls ?? [],
    user_id: user.user_id,
    team_id: team?.team_id ?? null,
    organization_id: team?.organization_id ?? null,
    token: hashKey(key),
    key_name: keyName(key),
    spend: 0,
    expires: resetAt(duration),
    created_by: creator,
    updated_by: creator,
  };
  await t.keys.insert(tx, entity);
  return entity;
}

async function userInfo(m: Management, request: FastifyRequest): Promise<JsonObject> {
  const asked = queryText(request.query, 'user_id');
  const principal = principalOf(request);
  const admin = isAdmin(principal);
  if (asked === undefined && admin) return everything(m);
  const own = principal?.key.user_id;
  const userId = asked ?? (typeof own === 'string' ? own : undefined);
  // A virtual key reads its own user only.
  if (!admin && userId !== own) throw forbidden(`Key not authorized to read user=${userId}`);
  const { tables, db } = m.accounts;
  const user = userId === undefined ? undefined : await tables.users.get(db, userId);
  if (user === undefined || userId === undefined) throw notFound(`User ${userId} not found`);
  const teams = await tables.teams.find(
    db,
    'team_id IN (SELECT team_id FROM tg_team_members WHERE user_id = $1)',
    [userId],
  );
  const listed = [];
  for (const team of teams) listed.push(await teamWithMemberships(m, db, team, userId));
  // Teams in the user's list without a membership row (made by older versions) still show.
  const ownTeams = Array.isArray(user.teams) ? (user.teams as string[]) : [];
  for (const id of ownTeams) {
    if (teams.some((team) => team.team_id === id)) continue;
    const team = await tables.teams.get(db, id);
    if (team !== undefined) listed.push(team);
  }
  listed.sort((a, b) => String(a.team_alias ?? '').localeCompare(String(b.team_alias ?? '')));
  const keys = await tables.keys.find(db, 'user_id = $1', [userId]);
  return { user_id: userId, user_info: user, keys: withTeamAlias(keys, listed), teams: listed };
}

/** The master key without `user_id`: every key and team, as LiteLLM's admin view. */
async function everything(m: Management): Promise<JsonObject> {
  const { tables, db } = m.accounts;
  const [keys, teams] = await Promise.all([tables.keys.find(db), tables.teams.find(db)]);
  teams.sort((a, b) => String(a.team_alias ?? '').localeCompare(String(b.team_alias ?? '')));
  return { user_id: null, user_info: null, keys: withTeamAlias(keys, teams), teams };
}

function withTeamAlias(keys: Entity[], teams: JsonObject[]): JsonObject[] {
  return keys.map((key) => ({
    ...key,
    team_alias: teams.find((team) => team.team_id === key.team_id)?.team_alias ?? null,
  }));
}

/** Changes a user found by id or email; as LiteLLM does, a user not found is made. */
async function updateUser(m: Management, body: JsonObject): Promise<JsonObject> {
  const { user_id: userId, user_email: email } = readFields(body, {
    user_id: 'string',
    user_email: 'string',
  });
  if (userId === undefined && email === undefined)
    throw invalid('Either user id or user email must be provided');
  const fields = readUserFields(body);
  const { accounts } = m;
  const t = accounts.tables;
  const user = await accounts.db.transaction(async (tx) => {
    let existing: Entity | undefined;
    if (typeof userId === 'string') existing = await lockedGet(tx, t.users, userId);
    else {
      const found = await usersByEmail(m, tx, email as string);
      existing = found[0] === undefined ? undefined : await lockedGet(tx, t.users, String(found[0].user_id));
    }
    const { spend, ...rest } = fields;
    const id = String(existing?.user_id ?? userId ?? newId());
    const changed: Entity = { ...(existing ?? newUserEntity(m, id)), ...rest, updated_by: m.adminId };
    // A null max_budget sent on purpose takes the budget away (LiteLLM's one field that can be unset).
    if (body.max_budget === null) changed.max_budget = null;
    if (fields.metadata !== undefined)
      changed.metadata = { ...(existing?.metadata as JsonObject), ...(fields.metadata as JsonObject) };
    if (typeof fields.budget_duration === 'string') changed.budget_reset_at = resetAt(fields.budget_duration);
    if (existing === undefined) await t.users.insert(tx, changed);
    else await t.users.replace(tx, changed);
    // Setting spend is an admin's correction: written as given, not added.
    if (typeof spend === 'number')
      await tx.run('UPDATE tg_users SET spend = $1 WHERE user_id = $2', [spend, id]);
    return (await t.users.get(tx, id)) ?? changed;
  });
  await accounts.changed();
  return { user_id: user.user_id, data: user };
}

/** Deletes users with their keys and memberships, taking them out of their teams' member lists. */
async function deleteUsers(m: Management, body: JsonObject): Promise<number> {
  const ids = requiredIds(body, 'user_ids');
  const { accounts } = m;
  const t = accounts.tables;
  const deleted = await accounts.db.transaction(async (tx) => {
    for (const id of ids) {
      const user = await t.users.get(tx, id);
      if (user === undefined) throw notFound(`User not found, passed user_id=${id}`);
      const teams = Array.isArray(user.teams) ? (user.teams as string[]) : [];
      const memberOf = await t.teamMembers.find(tx, 'user_id = $1', [id]);
      for (const teamId of new Set([...teams, ...memberOf.map((row) => String(row.team_id))])) {
        const team = await lockedGet(tx, t.teams, teamId);
        if (team !== undefined)
          await removeTeamMember(tx, m, team, {
            user_id: id,
            user_email: (user.user_email as string) ?? undefined,
          });
      }
      await tx.run('DELETE FROM tg_keys WHERE user_id = $1', [id]);
      await tx.run('DELETE FROM tg_team_members WHERE user_id = $1', [id]);
      await tx.run('DELETE FROM tg_org_members WHERE user_id = $1', [id]);
    }
    let count = 0;
    for (const id of ids) if (await t.users.delete(tx, id)) count++;
    return count;
  });
  await accounts.changed();
  return deleted;
}

const SORTABLE = ['user_id', 'user_email', 'created_at', 'spend', 'user_alias', 'user_role'];

/**
 * A page of users, filtered as LiteLLM's /user/list is. Ids, emails and teams filter in SQL; role and
 * sorting on fields kept in the JSON document are applied to the filtered rows in memory.
 */
async function listUsers(m: Management, query: unknown): Promise<JsonObject> {
  const page = queryInt(query, 'page', 1, 1_000_000);
  const size = queryInt(query, 'page_size', 25, 100);
  const sortBy = queryText(query, 'sort_by');
  const order = (queryText(query, 'sort_order') ?? 'asc').toLowerCase();
  if (sortBy !== undefined && !SORTABLE.includes(sortBy))
    throw badInput(`Invalid sort column. Must be one of: ${SORTABLE.join(', ')}`);
  if (order !== 'asc' && order !== 'desc') throw badInput("Invalid sort order. Must be 'asc' or 'desc'");
  const where: string[] = [];
  const params: string[] = [];
  const add = (clause: (n: number) => string, value: string) => {
    params.push(value);
    where.push(clause(params.length));
  };
  const ids = (queryText(query, 'user_ids') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  // One id is a search (part of an id); several are exact ids.
  if (ids.length === 1) add((n) => `LOWER(user_id) LIKE LOWER($${n})`, `%${ids[0]}%`);
  else if (ids.length > 1) where.push(`user_id IN (${ids.map((id) => `$${params.push(id)}`).join(', ')})`);
  const email = queryText(query, 'user_email');
  if (email !== undefined) add((n) => `LOWER(user_email) LIKE LOWER($${n})`, `%${email}%`);
  const team = queryText(query, 'team');
  if (team !== undefined)
    add((n) => `user_id IN (SELECT user_id FROM tg_team_members WHERE team_id = $${n})`, team);
  const { tables, db } = m.accounts;
  let users = await tables.users.find(db, where.length > 0 ? where.join(' AND ') : '1 = 1', params);
  const role = queryText(query, 'role');
  if (role !== undefined) users = users.filter((user) => user.user_role === role);
  if (sortBy !== undefined) {
    const sign = order === 'asc' ? 1 : -1;
    users.sort((a, b) => sign * compare(a[sortBy], b[sortBy]));
  }
  const total = users.length;
  const shown = users.slice((page - 1) * size, page * size);
  const counts = new Map<string, number>();
  for (const user of shown)
    counts.set(String(user.user_id), await tables.keys.count(db, 'user_id = $1', [String(user.user_id)]));
  return {
    users: shown.map((user) => ({ ...user, key_count: counts.get(String(user.user_id)) ?? 0 })),
    total,
    page,
    page_size: size,
    total_pages: Math.ceil(total / size),
  };
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a ?? '').localeCompare(String(b ?? ''));
}
