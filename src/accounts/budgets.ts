/**
 * A budget holder's spend against its `max_budget`, read fresh from the database (another replica may
 * have charged it a moment ago), with `budget_duration` periods: a period that is over starts a new one
 * at zero spend, once, whichever process notices first.
 */
import { addDuration } from './durations.ts';
import type { Entity, EntityTable } from './entity-table.ts';
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

/** Undefined when the holder has no `max_budget` (nothing to read). */
/** `pending`: what this process has charged the holder and not yet written. */
export async function currentSpend(
  db: SqlDb,
  holder: BudgetHolder,
  now: Date,
  pending = 0,
): Promise<{ spend: number; maxBudget: number } | undefined> {
  const maxBudget = budgetField(holder, 'max_budget');
  if (typeof maxBudget !== 'number') return undefined;
  const fresh = await holder.table.spendOf(db, ...holder.ids);
  if (fresh === undefined) return undefined;
  const spend = (await resetIfDue(db, holder, fresh, now)) + pending;
  return { spend, maxBudget };
}

/** The spend after a reset that was due (0), or as stored. */
export async function resetIfDue(
  db: SqlDb,
  holder: BudgetHolder,
  fresh: { spend: unknown; budget_reset_at?: unknown },
  now: Date,
): Promise<number> {
  const duration = budgetField(holder, 'budget_duration');
  const spend = Number(fresh.spend ?? 0);
  if (typeof duration !== 'string') return spend;
  const due = typeof fresh.budget_reset_at === 'string' ? Date.parse(fresh.budget_reset_at) : Number.NaN;
  const next = addDuration(now, duration)?.toISOString();
  if (next === undefined) return spend;
  if (Number.isNaN(due)) {
    // Linked to a budget with a duration after it was made: its first period starts now.
    await db.run(
      `UPDATE ${holder.table.table} SET budget_reset_at = $1 WHERE budget_reset_at IS NULL AND ${where(holder, 2)}`,
      [next, ...holder.ids],
    );
    return spend;
  }
  if (due > now.getTime()) return spend;
  await holder.table.resetBudget(db, fresh, next, ...holder.ids);
  return 0;
}

function where(holder: BudgetHolder, first: number): string {
  return holder.table.ids.map((id, i) => `${id} = $${first + i}`).join(' AND ');
}
