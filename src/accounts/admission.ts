/**
 * The checks a request with a virtual key passes before it is routed, in LiteLLM's order: the key is
 * not blocked and has not expired, its team is not blocked, the key, team, user and organization may use
 * the model, none of them (nor the team membership, nor the end user) is over budget, and no rpm, tpm or
 * parallel limit is reached. What passes becomes the request's `Caller`, charged when the request ends.
 */

import type { Caller } from '../gateway/record.ts';
import type { Accounts, Principal } from './accounts.ts';
import type { BudgetAlerts, EventParties } from './budget-alerts.ts';
import { type BudgetHolder, currentSpend, spendNow } from './budgets.ts';
import type { Entity } from './entity-table.ts';
import { blocked, budgetExceeded, expiredKey, modelAccessDenied } from './errors.ts';
import { type Limited, limitsOf, takeAll } from './limit-checks.ts';
import type { Limiter } from './limits.ts';
import { allows, type ModelFacts, modelsOf } from './model-access.ts';
import { MODEL_SPEND } from './pending-spend.ts';

export interface AdmitRequest {
  /** The model as asked for (before the key's own aliases). */
  model: string;
  /** The request's `user`: LiteLLM's end user. */
  endUser?: string;
  now: number;
}

export interface Admission {
  /** The key's spend when admitted (LiteLLM's `x-litellm-key-spend`), for the caller the route built. */
  keySpend: number;
  /** The model after the key's `aliases` (LiteLLM lets a key rename models). */
  model: string;
  /** The limit scopes whose tokens this request adds to, and the in-flight slots it holds. */
  tokenScopes: string[];
  slots: string[];
  /** The end user's `allowed_model_region`: the request may go to deployments in it only. */
  region?: string;
}

type Facts = (model: string) => ModelFacts;

export async function admit(
  accounts: Accounts,
  limiter: Limiter,
  principal: Principal,
  request: AdmitRequest,
  facts: Facts,
  alerts?: BudgetAlerts,
): Promise<Admission> {
  const { key, team } = principal;
  const now = new Date(request.now);
  if (key.blocked === true) throw blocked('Key');
  if (typeof key.expires === 'string' && Date.parse(key.expires) < request.now)
    throw expiredKey(key.expires, now);
  if (team?.blocked === true) throw blocked(`Team=${String(team.team_id)}`);
  // The key's own aliases over its team's (`model_aliases` of /team/new), as LiteLLM resolves them.
  const aliases = {
    ...(team?.model_aliases as object | undefined),
    ...(key.aliases as object | undefined),
  } as Record<string, unknown>;
  const alias = aliases[request.model];
  const model = typeof alias === 'string' ? alias : request.model;
  checkModels(principal, facts(model));
  const endUser = request.endUser
    ? await accounts.tables.endUsers.get(accounts.db, request.endUser)
    : undefined;
  if (endUser?.blocked === true) throw blocked(`End user=${request.endUser}`, 403);
  // The budget row an end user links to holds its budget and its limits (LiteLLM's "free tier").
  const endUserBudget =
    typeof endUser?.budget_id === 'string'
      ? await accounts.tables.budgets.get(accounts.db, endUser.budget_id)
      : undefined;
  const keySpend = await checkBudgets(accounts, principal, endUser, endUserBudget, model, now, alerts);
  const limits = await takeLimits(limiter, principal, endUser, endUserBudget, model, request.now);
  return { keySpend, model, ...limits, region: regionOf(endUser) };
}

/** Whether the key may use the model (for the model list a key is shown). */
export function mayUse(principal: Principal, model: ModelFacts): boolean {
  try {
    checkModels(principal, model);
    return true;
  } catch {
    return false;
  }
}

function checkModels(principal: Principal, model: ModelFacts): void {
  const { key, team, user, org } = principal;
  const owners = model.teams ?? [];
  if (owners.length > 0 && !owners.includes(String(team?.team_id)))
    throw modelAccessDenied('team', model.names[0] ?? '', []);
  const keyModels = modelsOf(key);
  // A key made for a team may say "whatever the team may use".
  const own = keyModels.includes('all-team-models') ? modelsOf(team) : keyModels;
  if (!allows(own, model)) throw modelAccessDenied('key', model.names[0] ?? '', own);
  if (team !== undefined && !allows(modelsOf(team), model))
    throw modelAccessDenied('team', model.names[0] ?? '', modelsOf(team));
  // A user's own model list applies to keys outside a team (inside one, the team's does).
  if (team === undefined && user !== undefined && !allows(modelsOf(user), model))
    throw modelAccessDenied('user', model.names[0] ?? '', modelsOf(user));
  if (org !== undefined && !allows(modelsOf(org), model))
    throw modelAccessDenied('org', model.names[0] ?? '', modelsOf(org));
}

async function checkBudgets(
  accounts: Accounts,
  principal: Principal,
  endUser: Entity | undefined,
  endUserBudget: Entity | undefined,
  model: string,
  now: Date,
  alerts: BudgetAlerts | undefined,
): Promise<number> {
  const { key, team, user, org, member, keyBudget, orgBudget } = principal;
  const t = accounts.tables;
  const holders: BudgetHolder[] = [
    {
      label: `Key=${String(key.key_alias ?? key.key_name ?? 'key')}`,
      table: t.keys,
      ids: [principal.token],
      entity: key,
      budget: keyBudget,
    },
  ];
  if (user)
    holders.push({
      label: `User=${String(user.user_id)}`,
      table: t.users,
      ids: [String(user.user_id)],
      entity: user,
    });
  if (team)
    holders.push({
      label: `Team=${String(team.team_id)}`,
      table: t.teams,
      ids: [String(team.team_id)],
      entity: team,
    });
  if (member)
    holders.push({
      label: `Team member=${String(member.user_id)} in team ${String(member.team_id)}`,
      table: t.teamMembers,
      ids: [String(member.team_id), String(member.user_id)],
      entity: member,
    });
  if (org)
    holders.push({
      label: `Organization=${String(org.organization_id)}`,
      table: t.organizations,
      ids: [String(org.organization_id)],
      entity: org,
      budget: orgBudget,
    });
  if (endUser)
    holders.push({
      label: `End user=${String(endUser.user_id)}`,
      table: t.endUsers,
      ids: [String(endUser.user_id)],
      entity: endUser,
      budget: endUserBudget,
    });
  let keySpend: number | undefined;
  const parties = alerts && partiesOf(principal, endUser);
  for (const holder of holders) {
    const state = await currentSpend(accounts, holder, now);
    keySpend ??= state?.spend;
    if (alerts && parties) await alerts.check(accounts, holder, state, parties);
    if (state !== undefined && state.spend >= state.maxBudget)
      throw budgetExceeded(holder.label, state.spend, state.maxBudget);
  }
  await checkModelBudget(accounts, principal, model);
  // The key's spend for `x-litellm-key-spend`: read above when it has a budget, else now.
  if (keySpend !== undefined) return keySpend;
  return spendNow(accounts, t.keys, [principal.token]);
}

/** A key's `model_max_budget`: `{model: number}` or `{model: {budget_limit}}`, against its spend on that model. */
async function checkModelBudget(accounts: Accounts, principal: Principal, model: string): Promise<void> {
  const budgets = principal.key.model_max_budget as Record<string, unknown> | undefined;
  if (budgets === undefined || budgets === null || typeof budgets !== 'object') return;
  const entry = budgets[model];
  const limit =
    typeof entry === 'number' ? entry : (entry as { budget_limit?: unknown } | undefined)?.budget_limit;
  if (typeof limit !== 'number') return;
  const rows = await accounts.db.query<{ spend: number }>(
    "SELECT spend FROM tg_model_spend WHERE kind = 'key' AND id = $1 AND model = $2",
    [principal.token, model],
  );
  const spend = Number(rows[0]?.spend ?? 0) + accounts.pending.get(MODEL_SPEND, [principal.token, model]);
  if (spend >= limit)
    throw budgetExceeded(
      `Key=${String(principal.key.key_alias ?? principal.key.key_name)} on model ${model}`,
      spend,
      limit,
    );
}

async function takeLimits(
  limiter: Limiter,
  principal: Principal,
  endUser: Entity | undefined,
  endUserBudget: Entity | undefined,
  model: string,
  now: number,
): Promise<{ tokenScopes: string[]; slots: string[] }> {
  const { key, user, team, member, org } = principal;
  const modelLimit = (field: string) => {
    const table = key[field] as Record<string, unknown> | undefined;
    const value = table && typeof table === 'object' ? table[model] : undefined;
    return typeof value === 'number' ? value : undefined;
  };
  const candidates = [
    limitsOf(`key:${principal.token}`, 'key', key, principal.keyBudget),
    modelLimit('model_rpm_limit') !== undefined || modelLimit('model_tpm_limit') !== undefined
      ? {
          scope: `key:${principal.token}:model:${model}`,
          label: `key, model ${model}`,
          rpm: modelLimit('model_rpm_limit'),
          tpm: modelLimit('model_tpm_limit'),
        }
      : undefined,
    limitsOf(`user:${String(user?.user_id)}`, 'user', user),
    limitsOf(`team:${String(team?.team_id)}`, 'team', team),
    limitsOf(`member:${String(member?.team_id)}:${String(member?.user_id)}`, 'team member', member),
    limitsOf(`org:${String(org?.organization_id)}`, 'organization', org, principal.orgBudget),
    limitsOf(`end_user:${String(endUser?.user_id)}`, 'end user', endUser, endUserBudget),
  ].filter((l): l is Limited => l !== undefined);
  return takeAll(limiter, candidates, now);
}

export function callerOf(principal: Principal, endUser: string | undefined): Caller {
  const { key, team, user } = principal;
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const keyTags = accountTags(key);
  const teamTags = accountTags(team);
  const tags = keyTags.length + teamTags.length === 0 ? [] : [...new Set([...keyTags, ...teamTags])];
  return {
    token: principal.token,
    keyAlias: text(key.key_alias),
    keyName: text(key.key_name),
    userId: text(key.user_id),
    userEmail: text(user?.user_email),
    teamId: text(key.team_id),
    teamAlias: text(team?.team_alias),
    organizationId: text(key.organization_id) ?? text(team?.organization_id),
    endUser,
    tags: tags.length > 0 ? tags : undefined,
    maxBudget: num(key.max_budget),
    rpmLimit: num(key.rpm_limit),
    tpmLimit: num(key.tpm_limit),
  };
}

/** Who a budget alert is about, besides the holder itself: the caller, as LiteLLM's event names it. */
function partiesOf(principal: Principal, endUser: Entity | undefined): EventParties {
  const c = callerOf(principal, typeof endUser?.user_id === 'string' ? endUser.user_id : undefined);
  return {
    token: c.token,
    key_alias: c.keyAlias ?? null,
    user_id: c.userId ?? null,
    user_email: c.userEmail ?? null,
    team_id: c.teamId ?? null,
    team_alias: c.teamAlias ?? null,
    organization_id: c.organizationId ?? null,
    customer_id: c.endUser ?? null,
  };
}

/** An end user's `allowed_model_region` (LiteLLM's `eu` / `us`, or any region name deployments use). */
export const regionOf = (endUser: Record<string, unknown> | undefined) =>
  typeof endUser?.allowed_model_region === 'string' && endUser.allowed_model_region !== ''
    ? endUser.allowed_model_region
    : undefined;

/** A key's or team's tags: its `tags` field, and LiteLLM's place for them, `metadata.tags`. */
function accountTags(entity: Record<string, unknown> | undefined): string[] {
  const own = strings(entity?.tags);
  const inMetadata = strings((entity?.metadata as { tags?: unknown } | undefined)?.tags);
  return inMetadata.length === 0 ? own : [...own, ...inMetadata];
}

const NONE: string[] = [];
const strings = (v: unknown): string[] =>
  Array.isArray(v) && v.length > 0 ? v.filter((t): t is string => typeof t === 'string') : NONE;

const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
