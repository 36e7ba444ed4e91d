/**
 * LiteLLM's organizations: `/organization/new`, `/organization/update`, `/organization/delete`,
 * `/organization/info`, `/organization/list`, `/organization/member_add`, `/organization/member_update`,
 * `/organization/member_delete`. An organization's budget and limits are a budget row it links to
 * (`budget_id`, shown as `litellm_budget_table`), made with it unless one is named; admission checks
 * it for every key of the organization and of its teams. The HTTP methods are LiteLLM's: PATCH for
 * updates, DELETE for deletions.
 */
import type { FastifyInstance } from 'fastify';
import type { Entity } from '../../accounts/entity-table.ts';
import type { SqlDb } from '../../accounts/sql/db.ts';
import { isJsonObject, type JsonObject } from '../../shared/json.ts';
import {
  BUDGET_FIELDS,
  checkBudgetValues,
  insertBudget,
  lockedGet,
  newId,
  newUserEntity,
  readMembers,
  requiredIds,
  requiredText,
  usersByEmail,
  withBudgetFields,
} from './common.ts';
import type { Management } from './context.ts';
import { badInput, bodyObject, type FieldSpec, notFound, queryText, readFields } from './fields.ts';
import { deleteTeamIn } from './teams.ts';

const ORG_ROLES = ['org_admin', 'internal_user', 'internal_user_viewer'] as const;

const ORG_FIELDS: FieldSpec = {
  organization_alias: 'string',
  models: 'strings',
  metadata: 'object',
  model_rpm_limit: 'object',
  model_tpm_limit: 'object',
  object_permission: 'object',
};

export function registerOrganizationRoutes(app: FastifyInstance, m: Management): void {
  app.post('/organization/new', async (request) => newOrganization(m, bodyObject(request.body)));
  app.patch('/organization/update', async (request) => updateOrganization(m, bodyObject(request.body)));
  app.delete('/organization/delete', async (request) => deleteOrganizations(m, bodyObject(request.body)));
  app.get('/organization/list', async (request) => listOrganizations(m, request.query));
  app.get('/organization/info', async (request) => {
    const id = queryText(request.query, 'organization_id');
    if (id === undefined) throw badInput('organization_id: give the organization (?organization_id=…)');
    const org = await m.accounts.tables.organizations.get(m.accounts.db, id);
    if (org === undefined) throw notFound('Organization not found');
    return orgView(m, m.accounts.db, org);
  });
  // LiteLLM's older form: several organizations by id, in a body.
  app.post('/organization/info', async (request) => {
    const ids = requiredIds(bodyObject(request.body), 'organizations');
    if (ids.length === 0) throw badInput("Specify list of organization id's to query.");
    const out: JsonObject[] = [];
    for (const id of ids) {
      const org = await m.accounts.tables.organizations.get(m.accounts.db, id);
      if (org !== undefined) out.push(await orgView(m, m.accounts.db, org, false));
    }
    return out;
  });
  app.post('/organization/member_add', async (request) => memberAdd(m, bodyObject(request.body)));
  app.patch('/organization/member_update', async (request) => memberUpdate(m, bodyObject(request.body)));
  app.delete('/organization/member_delete', async (request) => memberDelete(m, bodyObject(request.body)));
}

/** An organization with its budget row, and (unless `full` is false) its members and teams. */
async function orgView(m: Management, db: SqlDb, org: Entity, full = true): Promise<JsonObject> {
  const t = m.accounts.tables;
  const budget = typeof org.budget_id === 'string' ? await t.budgets.get(db, org.budget_id) : undefined;
  const view: JsonObject = { ...org, litellm_budget_table: budget ?? null };
  if (!full) return view;
  const id = String(org.organization_id);
  const [members, teams] = await Promise.all([
    t.orgMembers.find(db, 'organization_id = $1', [id]),
    t.teams.find(db, 'organization_id = $1', [id]),
  ]);
  const shown: JsonObject[] = [];
  for (const member of members) shown.push(await membershipView(m, db, member));
  return { ...view, members: shown, teams };
}

async function membershipView(m: Management, db: SqlDb, member: Entity): Promise<JsonObject> {
  const budget =
    typeof member.budget_id === 'string'
      ? await m.accounts.tables.budgets.get(db, member.budget_id)
      : undefined;
  return { user: null, ...member, litellm_budget_table: budget ?? null };
}

async function newOrganization(m: Management, body: JsonObject): Promise<JsonObject> {
  requiredText(body, 'organization_alias');
  const fields = readFields(body, ORG_FIELDS);
  const budgetFields = readFields(body, BUDGET_FIELDS);
  checkBudgetValues(budgetFields);
  const { organization_id: given, budget_id: budgetId } = readFields(body, {
    organization_id: 'string',
    budget_id: 'string',
  });
  const orgId = typeof given === 'string' ? given : newId();
  const { accounts } = m;
  const t = accounts.tables;
  const org = await accounts.db.transaction(async (tx) => {
    if (typeof budgetId === 'string' && (await t.budgets.get(tx, budgetId)) === undefined)
      throw badInput(`Budget not found for budget_id=${budgetId}`);
    const entity: Entity = {
      metadata: {},
      models: [],
      object_permission_id: null,
      ...fields,
      organization_id: orgId,
      budget_id: typeof budgetId === 'string' ? budgetId : await insertBudget(tx, m, budgetFields),
      spend: 0,
      created_by: m.adminId,
      updated_by: m.adminId,
    };
    if (!(await t.organizations.insert(tx, entity)))
      throw badInput(`Organization id=${orgId} already exists. Please use a different organization id.`);
    return (await t.organizations.get(tx, orgId)) ?? entity;
  });
  await accounts.changed();
  return orgView(m, accounts.db, org, false);
}

async function updateOrganization(m: Management, body: JsonObject): Promise<JsonObject> {
  const orgId = requiredText(body, 'organization_id');
  // LiteLLM takes the budget fields flat or nested as they are shown (`litellm_budget_table`).
  const nested = isJsonObject(body.litellm_budget_table) ? body.litellm_budget_table : {};
  const budgetFields = { ...readFields(nested, BUDGET_FIELDS), ...readFields(body, BUDGET_FIELDS) };
  checkBudgetValues(budgetFields);
  const fields = readFields(body, ORG_FIELDS);
  const { accounts } = m;
  const t = accounts.tables;
  const org = await accounts.db.transaction(async (tx) => {
    const existing = await lockedGet(tx, t.organizations, orgId);
    if (existing === undefined) throw notFound(`Organization not found for organization_id=${orgId}`);
    const changed: Entity = { ...existing, ...fields, updated_by: m.adminId };
    if (fields.metadata !== undefined)
      changed.metadata = { ...(existing.metadata as JsonObject), ...(fields.metadata as JsonObject) };
    if (Object.keys(budgetFields).length > 0) {
      const budget =
        typeof existing.budget_id === 'string'
          ? await lockedGet(tx, t.budgets, existing.budget_id)
          : undefined;
      if (budget === undefined) changed.budget_id = await insertBudget(tx, m, budgetFields);
      else await t.budgets.replace(tx, withBudgetFields(budget, budgetFields, m));
    }
    await t.organizations.replace(tx, changed);
    return (await t.organizations.get(tx, orgId)) ?? changed;
  });
  await accounts.changed();
  return orgView(m, accounts.db, org);
}

/**
 * Deletes organizations with their teams, memberships and keys. LiteLLM leaves the keys of the
 * deleted teams in place; here they go with their team, so no key outlives the budget that bounded it.
 */
async function deleteOrganizations(m: Management, body: JsonObject): Promise<JsonObject[]> {
  const ids = requiredIds(body, 'organization_ids');
  const { accounts } = m;
  const t = accounts.tables;
  const deleted = await accounts.db.transaction(async (tx) => {
    const out: JsonObject[] = [];
    for (const id of ids) {
      const org = await lockedGet(tx, t.organizations, id);
      if (org === undefined) throw notFound(`Organization=${id} not found`);
      out.push(await orgView(m, tx, org));
      for (const team of await t.teams.find(tx, 'organization_id = $1', [id]))
        await deleteTeamIn(tx, m, team);
      await tx.run('DELETE FROM tg_org_members WHERE organization_id = $1', [id]);
      await tx.run('DELETE FROM tg_keys WHERE organization_id = $1', [id]);
      await t.organizations.delete(tx, id);
    }
    return out;
  });
  await accounts.changed();
  return deleted;
}

async function listOrganizations(m: Management, query: unknown): Promise<JsonObject[]> {
  const where: string[] = [];
  const params: string[] = [];
  const id = queryText(query, 'org_id');
  if (id !== undefined) {
    params.push(id);
    where.push(`organization_id = $${params.length}`);
  }
  const alias = queryText(query, 'org_alias');
  if (alias !== undefined) {
    params.push(`%${alias}%`);
    where.push(`LOWER(organization_alias) LIKE LOWER($${params.length})`);
  }
  const { tables, db } = m.accounts;
  const orgs = await tables.organizations.find(db, where.length > 0 ? where.join(' AND ') : '1 = 1', params);
  const out: JsonObject[] = [];
  for (const org of orgs) out.push(await orgView(m, db, org));
  return out;
}

/** Makes a user a member of an organization (the user exists); 400 when it already is. */
export async function addOrgMember(
  tx: SqlDb,
  m: Management,
  orgId: string,
  userId: string,
  role: string,
  maxBudget?: number,
): Promise<Entity> {
  const t = m.accounts.tables;
  const row: Entity = {
    organization_id: orgId,
    user_id: userId,
    user_role: role,
    budget_id: maxBudget === undefined ? null : await insertBudget(tx, m, { max_budget: maxBudget }),
  };
  if (!(await t.orgMembers.insert(tx, row)))
    throw badInput(`User ${userId} is already a member of organization ${orgId}`);
  return (await t.orgMembers.get(tx, orgId, userId)) ?? row;
}

async function memberAdd(m: Management, body: JsonObject): Promise<JsonObject> {
  const orgId = requiredText(body, 'organization_id');
  const members = readMembers(body.member, ORG_ROLES);
  const { max_budget_in_organization: maxBudget } = readFields(body, {
    max_budget_in_organization: 'number',
  });
  checkBudgetValues({ max_budget: maxBudget });
  const { accounts } = m;
  const t = accounts.tables;
  const result = await accounts.db.transaction(async (tx) => {
    if ((await t.organizations.get(tx, orgId)) === undefined)
      throw notFound(`Organization not found for organization_id=${orgId}`);
    const users: Entity[] = [];
    const memberships: JsonObject[] = [];
    for (const member of members) {
      let user = member.user_id === undefined ? undefined : await t.users.get(tx, member.user_id);
      if (user === undefined && member.user_email !== undefined) {
        const found = await usersByEmail(m, tx, member.user_email);
        if (found.length > 1)
          throw badInput("Multiple users with this email found in db. Please use 'user_id' instead.");
        user = found[0];
      }
      if (user === undefined) {
        user = newUserEntity(m, member.user_id ?? newId(), { user_email: member.user_email ?? null });
        await t.users.insert(tx, user);
        user = (await t.users.get(tx, String(user.user_id))) ?? user;
      }
      users.push(user);
      const row = await addOrgMember(
        tx,
        m,
        orgId,
        String(user.user_id),
        member.role,
        maxBudget as number | undefined,
      );
      memberships.push(await membershipView(m, tx, row));
    }
    return { users, memberships };
  });
  await accounts.changed();
  return {
    organization_id: orgId,
    updated_users: result.users,
    updated_organization_memberships: result.memberships,
  };
}

/** The member a request names by user_id or user_email. */
async function memberId(m: Management, db: SqlDb, body: JsonObject): Promise<string> {
  const { user_id: userId, user_email: email } = readFields(body, {
    user_id: 'string',
    user_email: 'string',
  });
  if (typeof userId === 'string') return userId;
  if (typeof email !== 'string') throw badInput('Either user id or user email must be provided');
  const found = await usersByEmail(m, db, email);
  if (found.length !== 1 || found[0] === undefined)
    throw badInput(`Unique user not found for user_email=${email}. Use 'user_id' instead.`);
  return String(found[0].user_id);
}

async function memberUpdate(m: Management, body: JsonObject): Promise<JsonObject> {
  const orgId = requiredText(body, 'organization_id');
  const fields = readFields(body, { role: 'string', max_budget_in_organization: 'number' });
  if (fields.role !== undefined && !(ORG_ROLES as readonly string[]).includes(fields.role as string))
    throw badInput(`Invalid role. Must be one of: ${ORG_ROLES.join(', ')}`);
  checkBudgetValues({ max_budget: fields.max_budget_in_organization });
  const { accounts } = m;
  const t = accounts.tables;
  const row = await accounts.db.transaction(async (tx) => {
    if ((await t.organizations.get(tx, orgId)) === undefined)
      throw badInput(`Organization not found for organization_id=${orgId}`);
    const userId = await memberId(m, tx, body);
    const existing = await lockedGet(tx, t.orgMembers, orgId, userId);
    if (existing === undefined) throw notFound(`Member not found in organization for user_id=${userId}`);
    const changed: Entity = { ...existing };
    if (fields.role !== undefined) changed.user_role = fields.role;
    if (typeof fields.max_budget_in_organization === 'number') {
      const budget =
        typeof existing.budget_id === 'string'
          ? await lockedGet(tx, t.budgets, existing.budget_id)
          : undefined;
      const max = { max_budget: fields.max_budget_in_organization };
      if (budget === undefined) changed.budget_id = await insertBudget(tx, m, max);
      else await t.budgets.replace(tx, withBudgetFields(budget, max, m));
    }
    await t.orgMembers.replace(tx, changed);
    return (await t.orgMembers.get(tx, orgId, userId)) ?? changed;
  });
  await accounts.changed();
  return membershipView(m, accounts.db, row);
}

async function memberDelete(m: Management, body: JsonObject): Promise<JsonObject> {
  const orgId = requiredText(body, 'organization_id');
  const { accounts } = m;
  const t = accounts.tables;
  const row = await accounts.db.transaction(async (tx) => {
    const userId = await memberId(m, tx, body);
    const existing = await t.orgMembers.get(tx, orgId, userId);
    if (existing === undefined) throw notFound(`Member not found in organization for user_id=${userId}`);
    await t.orgMembers.delete(tx, orgId, userId);
    return existing;
  });
  await accounts.changed();
  return row;
}
