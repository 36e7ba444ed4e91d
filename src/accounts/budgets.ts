/**
 * A budget holder's spend against its `max_budget`, as read from the database a moment ago (another
 * replica may have charged it; spend-cache.ts), with `budget_duration` periods: a period that is over
 * starts a new one at zero spend, once, whichever process notices first.
 */
import type { Accounts } from './accounts.ts';
import { addDuration } from './durations.ts';
import type { Entity, EntityTable } from './entity-table.ts';
import { holder as spendHolder } from './pending-spend.ts';
import type { SqlDb } from './sql/db.ts';

export interface BudgetHolder {
  label: string;
  table: EntityTable;
  ids: string[];
  entity: Entity;
  /** The budget row the holder is linked to (`budget_id`), whose fields apply where its own are unset. */
  budget?: Entity;
}

export function budgetField(holder: Pick<BudgetHolder, 'entity' | 'budget'>, field: string): unknown {
  return holder.entity[field] ?? holder.budget?.[field] ?? undefined;
}

/** A holder's spend as written (as cached: spend-cache.ts), plus what this process has not written yet. */
export async function spendNow(accounts: Accounts, table: EntityTable, ids: string[]): Promise<number> {
  const written = await accounts.spendCache.read(accounts.db, table, ids);
  return Number(written?.spend ?? 0) + accounts.pending.get(table.table, ids);
}

/**
 * The holder's spend (as written, plus what this process has charged it and not written yet) against
 * its `max_budget`; undefined when it has none (nothing to read).
 */
export async function currentSpend(
  accounts: Accounts,
  holder: BudgetHolder,
  now: Date,
): Promise<{ spend: number; maxBudget: number } | undefined> {
  const maxBudget = budgetField(holder, 'max_budget');
  if (typeof maxBudget !== 'number') return undefined;
  const { db, spendCache, pending } = accounts;
  const fresh = await spendCache.read(db, holder.table, holder.ids);
  if (fresh === undefined) return undefined;
  const written = await resetIfDue(db, holder, fresh, now);
  if (written.changed) spendCache.drop([spendHolder(holder.table.table, holder.ids)]);
  return { spend: written.spend + pending.get(holder.table.table, holder.ids), maxBudget };
}

/** The spend after a reset that was due (0), or as stored; `changed` when the row was written. */
async function resetIfDue(
  db: SqlDb,
  holder: BudgetHolder,
  fresh: { spend: unknown; budget_reset_at?: unknown },
  now: Date,
): Promise<{ spend: number; changed: boolean }> {
  const duration = budgetField(holder, 'budget_duration');
  const spend = Number(fresh.spend ?? 0);
  if (typeof duration !== 'string') return { spend, changed: false };
  const due = typeof fresh.budget_reset_at === 'string' ? Date.parse(fresh.budget_reset_at) : Number.NaN;
  const next = addDuration(now, duration)?.toISOString();
  if (next === undefined) return { spend, changed: false };
  if (Number.isNaN(due)) {
    // Linked to a budget with a duration after it was made: its first period starts now.
    await db.run(
      `UPDATE ${holder.table.table} SET budget_reset_at = $1 WHERE budget_reset_at IS NULL AND ${where(holder, 2)}`,
      [next, ...holder.ids],
    );
    return { spend, changed: true };
  }
  if (due > now.getTime()) return { spend, changed: false };
  await holder.table.resetBudget(db, fresh, next, ...holder.ids);
  return { spend: 0, changed: true };
}

function where(holder: BudgetHolder, first: number): string {
  return holder.table.ids.map((id, i) => `${id} = $${first + i}`).join(' AND ');
}
