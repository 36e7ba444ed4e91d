/**
 * LiteLLM's customers (end users: the `user` field of a request): `/customer/new|info|update|delete|
 * list|block|unblock`, the same under `/end_user/*`. An end user is made on first sight by the spend
 * writer, which charges its spend; a blocked one is refused, and its budget and limits are a budget
 * row it links to (`budget_id`), made from `max_budget` and the other budget fields when given.
 */
import type { FastifyInstance } from 'fastify';
import type { Entity } from '../../accounts/entity-table.ts';
import type { SqlDb } from '../../accounts/sql/db.ts';
import type { JsonObject } from '../../shared/json.ts';
import {
  BUDGET_FIELDS,
  checkBudgetValues,
  insertBudget,
  lockedGet,
  requiredIds,
  requiredText,
  withBudgetFields,
} from './common.ts';
import type { Management } from './context.ts';
import { badInput, bodyObject, type FieldSpec, invalid, notFound, queryText, readFields } from './fields.ts';

const CUSTOMER_FIELDS: FieldSpec = {
  alias: 'string',
  blocked: 'bool',
  allowed_model_region: 'string',
  default_model: 'string',
  spend: 'number',
};

/** Fields every end user shows (one the spend writer made has none of them stored). */
const DEFAULTS = {
  alias: null,
  blocked: false,
  allowed_model_region: null,
  default_model: null,
  budget_id: null,
};

export function registerCustomerRoutes(app: FastifyInstance, m: Management): void {
  for (const prefix of ['/customer', '/end_user']) {
    app.post(`${prefix}/new`, async (request) => newCustomer(m, bodyObject(request.body)));
    app.get(`${prefix}/info`, async (request) => {
      const id = queryText(request.query, 'end_user_id');
      if (id === undefined) throw invalid('end_user_id: field required');
      const customer = await m.accounts.tables.endUsers.get(m.accounts.db, id);
      if (customer === undefined) throw notFound(`End User Id=${id} does not exist in db`);
      // LiteLLM leaves unset fields out of this one answer.
      const view = await customerView(m, m.accounts.db, customer);
      return Object.fromEntries(Object.entries(view).filter(([, v]) => v !== null));
    });
    app.post(`${prefix}/update`, async (request) => updateCustomer(m, bodyObject(request.body)));
    app.post(`${prefix}/delete`, async (request) => deleteCustomers(m, bodyObject(request.body)));
    app.get(`${prefix}/list`, async () => {
      const { tables, db } = m.accounts;
      const out: JsonObject[] = [];
      for (const customer of await tables.endUsers.find(db)) out.push(await customerView(m, db, customer));
      return out;
    });
    app.post(`${prefix}/block`, async (request) => ({
      blocked_users: await setBlocked(m, bodyObject(request.body), true),
    }));
    app.post(`${prefix}/unblock`, async (request) => ({
      unblocked_users: await setBlocked(m, bodyObject(request.body), false),
    }));
  }
}

async function customerView(m: Management, db: SqlDb, customer: Entity): Promise<JsonObject> {
  const budget =
    typeof customer.budget_id === 'string'
      ? await m.accounts.tables.budgets.get(db, customer.budget_id)
      : undefined;
  return { ...DEFAULTS, ...customer, litellm_budget_table: budget ?? null };
}

function checkDefaultModel(m: Management, model: unknown): void {
  if (typeof model === 'string' && !m.registry.names().includes(model))
    throw invalid(
      `Default Model not on proxy. Configure via \`/model/new\` or config.yaml. Default_model=${model}`,
    );
}

async function newCustomer(m: Management, body: JsonObject): Promise<JsonObject> {
  const userId = requiredText(body, 'user_id');
  const fields = readFields(body, CUSTOMER_FIELDS);
  const budgetFields = readFields(body, BUDGET_FIELDS);
  const { budget_id: budgetId } = readFields(body, { budget_id: 'string' });
  if (budgetFields.max_budget !== undefined && budgetId !== undefined)
    throw invalid("Set either 'max_budget' or 'budget_id', not both.");
  checkBudgetValues(budgetFields);
  checkDefaultModel(m, fields.default_model);
  const { accounts } = m;
  const t = accounts.tables;
  const customer = await accounts.db.transaction(async (tx) => {
    if (typeof budgetId === 'string' && (await t.budgets.get(tx, budgetId)) === undefined)
      throw badInput(`Budget not found for budget_id=${budgetId}`);
    const entity: Entity = {
      ...DEFAULTS,
      ...fields,
      user_id: userId,
      spend: (fields.spend as number | undefined) ?? 0,
      budget_id:
        Object.keys(budgetFields).length > 0 ? await insertBudget(tx, m, budgetFields) : (budgetId ?? null),
    };
    if (!(await t.endUsers.insert(tx, entity)))
      throw badInput(`Customer already exists, passed user_id=${userId}. Please pass a new user_id.`);
    return (await t.endUsers.get(tx, userId)) ?? entity;
  });
  await accounts.changed();
  return customerView(m, accounts.db, customer);
}

/**
 * Changes an end user. Budget fields change the budget row it links to (which other end users linked
 * to the same row share, as in LiteLLM), or make one. `blocked` changes only when sent.
 */
async function updateCustomer(m: Management, body: JsonObject): Promise<JsonObject> {
  const userId = requiredText(body, 'user_id');
  const fields = readFields(body, CUSTOMER_FIELDS);
  const budgetFields = readFields(body, BUDGET_FIELDS);
  const { budget_id: budgetId } = readFields(body, { budget_id: 'string' });
  checkBudgetValues(budgetFields);
  checkDefaultModel(m, fields.default_model);
  const { accounts } = m;
  const t = accounts.tables;
  const customer = await accounts.db.transaction(async (tx) => {
    const existing = await lockedGet(tx, t.endUsers, userId);
    if (existing === undefined) throw notFound(`End User Id=${userId} does not exist in db`);
    const { spend, ...rest } = fields;
    const changed: Entity = { ...DEFAULTS, ...existing, ...rest };
    if (typeof budgetId === 'string') {
      if ((await t.budgets.get(tx, budgetId)) === undefined)
        throw badInput(`Budget not found for budget_id=${budgetId}`);
      changed.budget_id = budgetId;
    }
    if (Object.keys(budgetFields).length > 0) {
      const linked =
        typeof changed.budget_id === 'string' ? await lockedGet(tx, t.budgets, changed.budget_id) : undefined;
      if (linked === undefined) changed.budget_id = await insertBudget(tx, m, budgetFields);
      else await t.budgets.replace(tx, withBudgetFields(linked, budgetFields, m));
    }
    await t.endUsers.replace(tx, changed);
    if (typeof spend === 'number')
      await tx.run('UPDATE tg_end_users SET spend = $1 WHERE user_id = $2', [spend, userId]);
    return (await t.endUsers.get(tx, userId)) ?? changed;
  });
  await accounts.changed();
  return customerView(m, accounts.db, customer);
}

async function deleteCustomers(m: Management, body: JsonObject): Promise<JsonObject> {
  const ids = requiredIds(body, 'user_ids');
  if (ids.length === 0) throw badInput('user_ids: give the end users to delete');
  const { accounts } = m;
  const t = accounts.tables;
  const deleted = await accounts.db.transaction(async (tx) => {
    const missing: string[] = [];
    for (const id of ids) if ((await t.endUsers.get(tx, id)) === undefined) missing.push(id);
    if (missing.length > 0) throw notFound(`End User Id(s)=${missing.join(', ')} do not exist in db`);
    let count = 0;
    for (const id of ids) if (await t.endUsers.delete(tx, id)) count++;
    return count;
  });
  await accounts.changed();
  return {
    deleted_customers: deleted,
    message: `Successfully deleted customers with ids: ${JSON.stringify(ids)}`,
  };
}

/** Blocks (making the end user when unknown, so it is refused from its first request) or unblocks. */
async function setBlocked(m: Management, body: JsonObject, blocked: boolean): Promise<JsonObject[]> {
  const ids = requiredIds(body, 'user_ids');
  const { accounts } = m;
  const t = accounts.tables;
  const rows = await accounts.db.transaction(async (tx) => {
    const out: JsonObject[] = [];
    for (const id of ids) {
      const existing = await lockedGet(tx, t.endUsers, id);
      if (existing === undefined) {
        if (!blocked) continue;
        await t.endUsers.insert(tx, { ...DEFAULTS, user_id: id, blocked, spend: 0 });
      } else await t.endUsers.replace(tx, { ...DEFAULTS, ...existing, blocked });
      const row = await t.endUsers.get(tx, id);
      if (row !== undefined) out.push({ ...DEFAULTS, ...row });
    }
    return out;
  });
  await accounts.changed();
  return rows;
}
