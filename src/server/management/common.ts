/**
 * What the user, team, organization, customer and budget routes share: LiteLLM's budget fields and how
 * an entity shows its budget (`litellm_budget_table`), row locks for read-modify-write changes, who is
 * calling, and the member objects teams and organizations take.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { addDuration } from '../../accounts/durations.ts';
import type { Entity, EntityTable } from '../../accounts/entity-table.ts';
import type { SqlDb } from '../../accounts/sql/db.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { isJsonObject, type JsonObject } from '../../shared/json.ts';
import { principalOf } from '../principal.ts';
import type { Management } from './context.ts';
import { badInput, type FieldSpec, invalid } from './fields.ts';

/** LiteLLM_BudgetTable's fields: a budget row's, and those an org, end user or membership links to. */
export const BUDGET_FIELDS: FieldSpec = {
  max_budget: 'number',
  soft_budget: 'number',
  max_parallel_requests: 'int',
  tpm_limit: 'int',
  rpm_limit: 'int',
  model_max_budget: 'object',
  budget_duration: 'duration',
};

export const newId = (): string => randomUUID();

/** The first end of a budget period starting now; null without a duration. */
export function resetAt(duration: unknown): string | null {
  return typeof duration === 'string' ? (addDuration(new Date(), duration)?.toISOString() ?? null) : null;
}

/** LiteLLM refuses negative budgets, and a soft budget at or over the hard one (it would never warn). */
export function checkBudgetValues(fields: JsonObject, existing?: Entity): void {
  for (const name of ['max_budget', 'soft_budget', 'team_member_budget']) {
    const value = fields[name];
    if (typeof value === 'number' && value < 0)
      throw badInput(`${name} cannot be negative. Received: ${value}`);
  }
  const soft = fields.soft_budget ?? existing?.soft_budget;
  const max = fields.max_budget ?? existing?.max_budget;
  if (typeof soft === 'number' && typeof max === 'number' && soft >= max)
    throw badInput(`soft_budget (${soft}) must be strictly lower than max_budget (${max})`);
}

/** The budget fields of `entity`, as the nested `litellm_budget_table` LiteLLM shows. */
export function budgetTable(entity: Entity | undefined, budgetId: unknown = null): JsonObject | null {
  if (entity === undefined) return null;
  const table: JsonObject = { budget_id: entity.budget_id ?? budgetId ?? null };
  for (const name of Object.keys(BUDGET_FIELDS)) table[name] = entity[name] ?? null;
  return table;
}

/** Who a change is recorded as: the calling key's user, or the master key's name (as LiteLLM does). */
export function callerId(m: Management, request: FastifyRequest): string {
  const userId = principalOf(request)?.key.user_id;
  return typeof userId === 'string' && userId !== '' ? userId : m.adminId;
}

/**
 * Reads a row for a change the caller writes back: inside a transaction, PostgreSQL locks the row so
 * two changes at once (members added in parallel) cannot both read the old list; SQLite's transaction
 * already holds the file's write lock.
 */
export async function lockedGet(
  tx: SqlDb,
  table: EntityTable,
  ...ids: string[]
): Promise<Entity | undefined> {
  if (tx.engine === 'postgres')
    await tx.query(
      `SELECT 1 FROM ${table.table} WHERE ${table.ids.map((id, i) => `${id} = $${i + 1}`).join(' AND ')} FOR UPDATE`,
      ids,
    );
  return table.get(tx, ...ids);
}

export function forbidden(message: string): GatewayError {
  return new GatewayError(message, { status: 403, type: 'auth_error', code: '403' });
}

/** A required text field of a body; 422 when missing, as pydantic answers. */
export function requiredText(body: JsonObject, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value === '') throw invalid(`${name}: field required (a string)`);
  if (value.length > 1024) throw invalid(`${name}: at most 1024 characters`);
  return value;
}

/** A required list of ids (`team_ids`, `user_ids`, …). */
export function requiredIds(body: JsonObject, name: string): string[] {
  const value = body[name];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
    throw invalid(`${name}: field required (a list of strings)`);
  if (value.length > 1000) throw invalid(`${name}: at most 1000 at once`);
  return value as string[];
}

export interface Member {
  user_id?: string;
  user_email?: string;
  role: string;
}

/** `member` as one object or a list of them, each naming a user by id or email, with a role. */
export function readMembers(value: unknown, roles: readonly string[], name = 'member'): Member[] {
  const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  if (list.length > 1000) throw invalid(`${name}: at most 1000 members at once`);
  return list.map((item) => {
    if (!isJsonObject(item)) throw invalid(`${name}: each member must be an object`);
    const text = (field: string) => {
      const v = item[field];
      if (v === undefined || v === null) return undefined;
      if (typeof v !== 'string' || v.length > 1024) throw invalid(`${name}.${field}: must be a string`);
      return v;
    };
    const userId = text('user_id');
    const email = text('user_email');
    if (userId === undefined && email === undefined)
      throw invalid(`${name}: Either user id or user email must be provided`);
    const role = item.role;
    if (typeof role !== 'string' || !roles.includes(role))
      throw invalid(`${name}.role: must be one of ${roles.join(', ')}`);
    return { user_id: userId, user_email: email, role };
  });
}

/** The stored users with this email (emails compare without case, as LiteLLM's lookups do). */
export async function usersByEmail(m: Management, db: SqlDb, email: string): Promise<Entity[]> {
  return m.accounts.tables.users.find(db, 'LOWER(user_email) = LOWER($1)', [email], { limit: 2 });
}

/** A new user's fields, as LiteLLM defaults them. */
export function newUserEntity(m: Management, userId: string, fields: JsonObject = {}): Entity {
  return {
    user_id: userId,
    user_email: null,
    user_alias: null,
    user_role: 'internal_user',
    max_budget: null,
    soft_budget: null,
    budget_duration: null,
    models: [],
    teams: [],
    tpm_limit: null,
    rpm_limit: null,
    max_parallel_requests: null,
    metadata: {},
    model_max_budget: {},
    model_spend: {},
    sso_user_id: null,
    organization_memberships: null,
    created_by: m.adminId,
    updated_by: m.adminId,
    ...fields,
  };
}

/** A budget row made from budget fields (an organization's, an end user's, a membership's). */
export async function insertBudget(tx: SqlDb, m: Management, fields: JsonObject): Promise<string> {
  const budgetId = newId();
  await m.accounts.tables.budgets.insert(tx, {
    budget_id: budgetId,
    ...fields,
    budget_reset_at: resetAt(fields.budget_duration),
    created_by: m.adminId,
    updated_by: m.adminId,
  });
  return budgetId;
}

/** A budget row with new field values; a new duration starts a new period. */
export function withBudgetFields(budget: Entity, fields: JsonObject, m: Management): Entity {
  const changed: Entity = { ...budget, ...fields, updated_by: m.adminId };
  if (typeof fields.budget_duration === 'string' && fields.budget_duration !== budget.budget_duration)
    changed.budget_reset_at = resetAt(fields.budget_duration);
  return changed;
}
