/**
 * LiteLLM's budget alerts (`general_settings.alerting: ["webhook"]`, `WEBHOOK_URL`): when a budget check
 * finds a key, user, team, team member, organization or end user over its soft budget, within 15 % (or
 * 5 %) of its max budget, or over it, an event in LiteLLM's `WebhookEvent` shape is sent — once per
 * event and holder a day, as LiteLLM sends them. The spend is the one the check read before the request
 * (LiteLLM's too), so an alert can trail the last request by one.
 *
 * Sending is the caller's (cli/budget-alerts-for.ts): this module only decides what to send, and never
 * holds a request up.
 */

import type { Accounts } from './accounts.ts';
import { type BudgetHolder, budgetField, spendNow } from './budgets.ts';

export type BudgetEventName = 'budget_crossed' | 'threshold_crossed' | 'soft_budget_crossed';
/** LiteLLM's `Litellm_EntityType` values. */
export type BudgetEventGroup = 'key' | 'user' | 'team' | 'team_member' | 'organization' | 'customer';

export interface BudgetEvent {
  event: BudgetEventName;
  event_group: BudgetEventGroup;
  event_message: string;
  spend: number;
  max_budget: number | null;
  soft_budget: number | null;
  /** The key's sha256 (never the key itself), when a key's request made the check. */
  token: string | null;
  key_alias: string | null;
  user_id: string | null;
  user_email: string | null;
  team_id: string | null;
  team_alias: string | null;
  organization_id: string | null;
  customer_id: string | null;
  projected_exceeded_date: null;
  projected_spend: null;
}

/** Who the request was for: the fields every event repeats. */
export type EventParties = Pick<
  BudgetEvent,
  | 'token'
  | 'key_alias'
  | 'user_id'
  | 'user_email'
  | 'team_id'
  | 'team_alias'
  | 'organization_id'
  | 'customer_id'
>;

export interface BudgetReading {
  group: BudgetEventGroup;
  /** The holder's id (a key's token, a user's id, `team:user` for a membership). */
  id: string;
  spend: number;
  maxBudget?: number;
  softBudget?: number;
}

const DAY_MS = 86_400_000;
/** LiteLLM's thresholds: what is left of the max budget, as a share. */
const THRESHOLDS = [0.05, 0.15];
/** Sent events remembered at most; past it the memory starts over (a flood of holders cannot grow it). */
const REMEMBERED = 10_000;

export class BudgetAlerts {
  readonly #send: (event: BudgetEvent) => void;
  readonly #now: () => number;
  readonly #sent = new Map<string, number>();

  constructor(send: (event: BudgetEvent) => void, now: () => number = Date.now) {
    this.#send = send;
    this.#now = now;
  }

  /** A budget check of `holder` (`checked`: what it found, for a holder with a max budget). */
  async check(
    accounts: Accounts,
    holder: BudgetHolder,
    checked: { spend: number; maxBudget: number } | undefined,
    parties: EventParties,
  ): Promise<void> {
    const reading = await readingOf(accounts, holder, checked);
    if (reading) this.observe(reading, parties);
  }

  /** A holder's reading; sends its event unless already sent today. */
  observe(reading: BudgetReading, parties: EventParties): void {
    const found = eventOf(reading);
    if (found === undefined) return;
    const key = `${found.event}\u0000${reading.group}\u0000${reading.id}`;
    const now = this.#now();
    const last = this.#sent.get(key);
    if (last !== undefined && now - last < DAY_MS) return;
    if (this.#sent.size >= REMEMBERED) this.#sent.clear();
    this.#sent.set(key, now);
    this.#send({
      ...found,
      event_group: reading.group,
      spend: reading.spend,
      max_budget: reading.maxBudget ?? null,
      soft_budget: reading.softBudget ?? null,
      ...parties,
      projected_exceeded_date: null,
      projected_spend: null,
    });
  }
}

/** LiteLLM's order: the soft budget first, then the max budget's crossing or thresholds win. */
function eventOf({
  group,
  spend,
  maxBudget,
  softBudget,
}: BudgetReading): { event: BudgetEventName; event_message: string } | undefined {
  const who = `${group.replace('_', ' ')} budget`;
  let found: { event: BudgetEventName; event_message: string } | undefined;
  if (softBudget !== undefined && spend >= softBudget)
    found = { event: 'soft_budget_crossed', event_message: `${who}: soft budget ${softBudget} crossed` };
  if (maxBudget === undefined || maxBudget <= 0) return found;
  if (spend >= maxBudget)
    return { event: 'budget_crossed', event_message: `${who}: budget crossed, total budget ${maxBudget}` };
  const left = (maxBudget - spend) / maxBudget;
  const threshold = THRESHOLDS.find((t) => left <= t);
  if (threshold === undefined) return found;
  return {
    event: 'threshold_crossed',
    event_message: `${who}: ${threshold * 100}% threshold crossed, ${spend} of ${maxBudget} spent`,
  };
}

/** Each account table's LiteLLM entity type. */
const GROUPS: Record<string, BudgetEventGroup> = {
  tg_keys: 'key',
  tg_users: 'user',
  tg_teams: 'team',
  tg_team_members: 'team_member',
  tg_organizations: 'organization',
  tg_end_users: 'customer',
};

/**
 * A budget check's holder as alerts read it: the spend the check found (`checked`, for a holder with a
 * max budget), else, for one with only a soft budget, its spend now.
 */
async function readingOf(
  accounts: Accounts,
  holder: BudgetHolder,
  checked: { spend: number; maxBudget: number } | undefined,
): Promise<BudgetReading | undefined> {
  const group = GROUPS[holder.table.table];
  const soft = budgetField(holder, 'soft_budget');
  const softBudget = typeof soft === 'number' ? soft : undefined;
  if (group === undefined || (checked === undefined && softBudget === undefined)) return undefined;
  const spend = checked?.spend ?? (await spendNow(accounts, holder.table, holder.ids));
  return { group, id: holder.ids.join(':'), spend, maxBudget: checked?.maxBudget, softBudget };
}
