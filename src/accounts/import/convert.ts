/**
 * A LiteLLM row as a Tollgate entity. Tollgate keeps LiteLLM's field names, so most of a row is
 * copied as it is; what differs is where LiteLLM keeps a fact elsewhere than Tollgate reads it:
 * a team member's budget in a budget row (Tollgate's membership holds its own), a team's model aliases
 * in LiteLLM_ModelTable, a key's per-model limits in its metadata, a key's per-model spend in its row
 * (Tollgate's is tg_model_spend). A row that cannot be used is skipped, with the reason.
 */
import { isJsonObject, type JsonObject } from '../../shared/json.ts';
import type { Entity } from '../entity-table.ts';
import { hashKey, keyName } from '../key-text.ts';
import type { SourceRow } from './litellm-source.ts';

export type Converted = { entity: Entity; modelSpend?: Record<string, number> } | { skip: string };

/** What a conversion looks up in what was imported before it (budgets first, then teams). */
export interface Lookups {
  budget(id: string): Promise<Entity | undefined>;
  team(id: string): Promise<Entity | undefined>;
  /** A LiteLLM_ModelTable row's `model_aliases`, by its id. */
  modelAliases(id: number): JsonObject | undefined;
}

/** The team LiteLLM's UI gives its login sessions' short-lived keys: they belong to LiteLLM's UI. */
const UI_SESSION_TEAM = 'litellm-dashboard';

/** The row's columns, those the source has (a column absent from an older LiteLLM stays unset). */
function copy(row: SourceRow): Entity {
  const entity: Entity = {};
  for (const [name, value] of Object.entries(row)) if (value !== undefined) entity[name] = value;
  return entity;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const spendOf = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export function budgetEntity(row: SourceRow): Converted {
  return { entity: { ...copy(row), spend: 0 } };
}

export function organizationEntity(row: SourceRow): Converted {
  return { entity: { ...copy(row), spend: spendOf(row.spend) } };
}

export function userEntity(row: SourceRow): Converted {
  return { entity: { organization_memberships: null, ...copy(row), spend: spendOf(row.spend) } };
}

export async function teamEntity(row: SourceRow, lookups: Lookups): Promise<Converted> {
  const entity: Entity = { ...copy(row), spend: spendOf(row.spend) };
  // Prisma's column default is `{}`, an object, where every team made since holds a list.
  if (!Array.isArray(entity.members_with_roles)) entity.members_with_roles = [];
  if (typeof row.model_id === 'number') {
    const aliases = lookups.modelAliases(row.model_id);
    if (aliases !== undefined) entity.model_aliases = aliases;
  }
  // LiteLLM keeps a team's default member budget as a budget row named in the team's metadata;
  // Tollgate keeps it on the team, as /team/new takes it.
  const metadata = isJsonObject(row.metadata) ? row.metadata : {};
  const memberBudgetId = text(metadata.team_member_budget_id);
  const memberBudget = memberBudgetId ? await lookups.budget(memberBudgetId) : undefined;
  if (memberBudget !== undefined) {
    entity.team_member_budget = memberBudget.max_budget ?? null;
    entity.team_member_tpm_limit = memberBudget.tpm_limit ?? null;
    entity.team_member_rpm_limit = memberBudget.rpm_limit ?? null;
    entity.team_member_budget_duration = memberBudget.budget_duration ?? null;
  }
  return { entity };
}

/** The membership row Tollgate keeps for every member of a team LiteLLM has no membership row for. */
export function plainMember(teamId: string, userId: string): Entity {
  return {
    team_id: teamId,
    user_id: userId,
    budget_id: null,
    max_budget: null,
    tpm_limit: null,
    rpm_limit: null,
    budget_duration: null,
    budget_reset_at: null,
    team_default_budget: false,
    spend: 0,
  };
}

/**
 * LiteLLM's membership names a budget row; Tollgate's membership holds the budget itself (admission
 * reads it there), so the row's fields are copied in. A member on the team's default budget follows
 * the team's default from then on, as one added in Tollgate does.
 */
export async function teamMemberEntity(row: SourceRow, lookups: Lookups): Promise<Converted> {
  const teamId = text(row.team_id);
  const userId = text(row.user_id);
  if (teamId === undefined || userId === undefined) return { skip: 'no team_id or user_id' };
  const entity = { ...plainMember(teamId, userId), spend: spendOf(row.spend) };
  const budgetId = text(row.budget_id);
  if (budgetId === undefined) return { entity };
  const budget = await lookups.budget(budgetId);
  const team = await lookups.team(teamId);
  const teamMetadata = isJsonObject(team?.metadata) ? team.metadata : {};
  return {
    entity: {
      ...entity,
      budget_id: budgetId,
      max_budget: budget?.max_budget ?? null,
      tpm_limit: budget?.tpm_limit ?? null,
      rpm_limit: budget?.rpm_limit ?? null,
      budget_duration: budget?.budget_duration ?? null,
      budget_reset_at: budget?.budget_reset_at ?? null,
      team_default_budget: budgetId === teamMetadata.team_member_budget_id,
    },
  };
}

export function orgMemberEntity(row: SourceRow): Converted {
  if (text(row.organization_id) === undefined || text(row.user_id) === undefined)
    return { skip: 'no organization_id or user_id' };
  return { entity: { ...copy(row), spend: spendOf(row.spend) } };
}

export function endUserEntity(row: SourceRow): Converted {
  return { entity: { blocked: false, ...copy(row), spend: spendOf(row.spend) } };
}

/** How a key is named in messages: its alias, or `sk-...abcd`, or the first characters of its hash. */
export function keyLabel(row: SourceRow): string {
  const alias = text(row.key_alias);
  if (alias !== undefined) return `key "${alias}"`;
  const name = text(row.key_name);
  if (name?.includes('...')) return `key ${name}`;
  const token = String(row.token);
  // The start of a hash names the key without giving it away; an unhashed token would be the key.
  return /^[0-9a-f]{64}$/.test(token)
    ? `key with token ${token.slice(0, 8)}…`
    : 'a key with no alias or name';
}

export function keyEntity(row: SourceRow): Converted {
  const raw = text(row.token);
  if (raw === undefined) return { skip: 'no token' };
  if (row.team_id === UI_SESSION_TEAM)
    return { skip: `a LiteLLM UI login session key (team ${UI_SESSION_TEAM})` };
  let token = raw;
  let name = text(row.key_name);
  if (!/^[0-9a-f]{64}$/.test(raw)) {
    // Keys LiteLLM stored as they were given (not hashed) still work: Tollgate stores their hash.
    if (!raw.startsWith('sk-')) return { skip: 'token is neither a sha256 hash nor an sk- key' };
    token = hashKey(raw);
    name = keyName(raw);
  }
  const metadata = isJsonObject(row.metadata) ? row.metadata : {};
  const entity: Entity = {
    ...copy(row),
    token,
    key_name: name ?? null,
    spend: spendOf(row.spend),
    // Kept by Tollgate in tg_model_spend, where charges add to it.
    model_spend: {},
  };
  // LiteLLM's /key/generate files these under metadata; Tollgate's admission reads them on the key.
  for (const field of ['model_rpm_limit', 'model_tpm_limit', 'guardrails']) {
    if (entity[field] === undefined && metadata[field] !== undefined && metadata[field] !== null)
      entity[field] = metadata[field];
  }
  return { entity, modelSpend: modelSpendOf(row.model_spend) };
}

function modelSpendOf(value: unknown): Record<string, number> {
  const spend: Record<string, number> = {};
  if (!isJsonObject(value)) return spend;
  for (const [model, amount] of Object.entries(value))
    if (typeof amount === 'number' && Number.isFinite(amount)) spend[model] = amount;
  return spend;
}
