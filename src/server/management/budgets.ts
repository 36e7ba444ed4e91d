/**
 * LiteLLM's budget rows: `/budget/new`, `/budget/update`, `/budget/info`, `/budget/list`,
 * `/budget/delete`. A budget row holds a max budget, its period and rpm/tpm/parallel limits; keys,
 * organizations, organization members and end users link to one by `budget_id`, and admission applies
 * its fields where the holder has none of its own. Spend is the holder's, never the row's: end users
 * sharing a "free tier" row each have that much to spend.
 */
import type { FastifyInstance } from 'fastify';
import type { Entity } from '../../accounts/entity-table.ts';
import type { JsonObject } from '../../shared/json.ts';
import {
  BUDGET_FIELDS,
  checkBudgetValues,
  lockedGet,
  newId,
  requiredIds,
  requiredText,
  resetAt,
  withBudgetFields,
} from './common.ts';
import type { Management } from './context.ts';
import { badInput, bodyObject, notFound, readFields } from './fields.ts';

export function registerBudgetRoutes(app: FastifyInstance, m: Management): void {
  app.post('/budget/new', async (request) => newBudget(m, bodyObject(request.body)));
  app.post('/budget/update', async (request) => updateBudget(m, bodyObject(request.body)));
  app.post('/budget/info', async (request) => {
    const ids = requiredIds(bodyObject(request.body), 'budgets');
    if (ids.length === 0) throw badInput("Specify list of budget id's to query.");
    const { tables, db } = m.accounts;
    const found: Entity[] = [];
    for (const id of ids) {
      const budget = await tables.budgets.get(db, id);
      if (budget !== undefined) found.push(budget);
    }
    return found;
  });
  app.get('/budget/list', async () => m.accounts.tables.budgets.find(m.accounts.db));
  app.post('/budget/delete', async (request) => deleteBudget(m, bodyObject(request.body)));
}

async function newBudget(m: Management, body: JsonObject): Promise<Entity> {
  const fields = readFields(body, BUDGET_FIELDS);
  checkBudgetValues(fields);
  const given = readFields(body, { budget_id: 'string', budget_reset_at: 'string' });
  const budgetId = typeof given.budget_id === 'string' ? given.budget_id : newId();
  const entity: Entity = {
    budget_id: budgetId,
    ...Object.fromEntries(Object.keys(BUDGET_FIELDS).map((name) => [name, null])),
    ...fields,
    budget_reset_at: given.budget_reset_at ?? resetAt(fields.budget_duration),
    created_by: m.adminId,
    updated_by: m.adminId,
  };
  const { tables, db } = m.accounts;
  if (!(await tables.budgets.insert(db, entity))) throw badInput(`Budget id=${budgetId} already exists.`);
  await m.accounts.changed();
  return (await tables.budgets.get(db, budgetId)) ?? entity;
}

async function updateBudget(m: Management, body: JsonObject): Promise<Entity> {
  if (typeof body.budget_id !== 'string') throw badInput('budget_id is required');
  const budgetId = body.budget_id;
  const fields = readFields(body, BUDGET_FIELDS);
  const { accounts } = m;
  const t = accounts.tables;
  const budget = await accounts.db.transaction(async (tx) => {
    const existing = await lockedGet(tx, t.budgets, budgetId);
    if (existing === undefined) throw notFound(`Budget not found, passed budget_id=${budgetId}`);
    checkBudgetValues(fields, existing);
    const changed = withBudgetFields(existing, fields, m);
    await t.budgets.replace(tx, changed);
    return (await t.budgets.get(tx, budgetId)) ?? changed;
  });
  await accounts.changed();
  return budget;
}

/** Deletes a budget row nothing links to; one still in use is refused rather than silently unlinked. */
async function deleteBudget(m: Management, body: JsonObject): Promise<Entity> {
  const id = requiredText(body, 'id');
  const { accounts } = m;
  const deleted = await accounts.db.transaction(async (tx) => {
    const existing = await lockedGet(tx, accounts.tables.budgets, id);
    if (existing === undefined) throw notFound(`Budget not found, passed budget_id=${id}`);
    const linked: string[] = [];
    for (const table of ['tg_keys', 'tg_organizations', 'tg_end_users']) {
      const rows = await tx.query<{ n: number }>(
        `SELECT CAST(COUNT(*) AS INTEGER) AS n FROM ${table} WHERE budget_id = $1`,
        [id],
      );
      if (Number(rows[0]?.n ?? 0) > 0) linked.push(table.replace('tg_', ''));
    }
    // Organization members keep budget_id in their JSON document (no column): looked for there.
    const members = await accounts.tables.orgMembers.find(tx);
    if (members.some((member) => member.budget_id === id)) linked.push('org_members');
    if (linked.length > 0)
      throw badInput(`Budget ${id} is still linked to ${linked.join(', ')}; unlink them first.`);
    await accounts.tables.budgets.delete(tx, id);
    return existing;
  });
  await accounts.changed();
  return deleted;
}
