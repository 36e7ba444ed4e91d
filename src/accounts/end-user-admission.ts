/**
 * A request made with the master key still names an end user (the request's `user`): that end user's
 * block, budget and limits apply as they do to a virtual key's requests (LiteLLM checks them for any
 * caller). An end user with no row yet has none.
 */

import type { Accounts } from './accounts.ts';
import { regionOf } from './admission.ts';
import type { BudgetAlerts, EventParties } from './budget-alerts.ts';
import { currentSpend } from './budgets.ts';
import { blocked, budgetExceeded } from './errors.ts';
import { limitsOf, type Taken, takeAll } from './limit-checks.ts';
import type { Limiter } from './limits.ts';

/** The master key's request: no key, user, team or organization to name. */
const NOBODY: EventParties = {
  token: null,
  key_alias: null,
  user_id: null,
  user_email: null,
  team_id: null,
  team_alias: null,
  organization_id: null,
  customer_id: null,
};

export async function admitEndUser(
  accounts: Accounts,
  limiter: Limiter,
  endUserId: string,
  now: number,
  alerts?: BudgetAlerts,
): Promise<Taken & { region?: string }> {
  const { tables, db } = accounts;
  const endUser = await tables.endUsers.get(db, endUserId);
  if (endUser === undefined) return { slots: [], tokenScopes: [] };
  if (endUser.blocked === true) throw blocked(`End user=${endUserId}`, 403);
  const budget =
    typeof endUser.budget_id === 'string' ? await tables.budgets.get(db, endUser.budget_id) : undefined;
  const label = `End user=${endUserId}`;
  const holder = { label, table: tables.endUsers, ids: [endUserId], entity: endUser, budget };
  const state = await currentSpend(accounts, holder, new Date(now));
  await alerts?.check(accounts, holder, state, { ...NOBODY, customer_id: endUserId });
  if (state !== undefined && state.spend >= state.maxBudget)
    throw budgetExceeded(label, state.spend, state.maxBudget);
  const taken = await takeAll(limiter, [limitsOf(`end_user:${endUserId}`, 'end user', endUser, budget)], now);
  return { ...taken, region: regionOf(endUser) };
}
