/**
 * Who a spend row charges (its holders), and the charges this process has made but not written yet.
 * Spend is written in batches (spend.ts); budget checks add what is still pending here, so a process
 * sees its own charges at once (as LiteLLM's in-memory spend does), and other processes once written.
 */
import type { SpendRow } from './spend-log.ts';
import { TABLES } from './tables.ts';

export interface Holder {
  /** The table charged (`tg_keys`, …; `tg_model_spend` for a key's spend on a model). */
  table: string;
  ids: string[];
  /** `holderKey(table, ids)`, made once: maps of pending and cached spend look it up per request. */
  key: string;
}

export const MODEL_SPEND = 'tg_model_spend';

/** Every holder a row charges; the master key is no stored key, so its requests charge no key. */
export function holdersOf(row: SpendRow, masterToken: string): Holder[] {
  const key = row.api_key === masterToken ? null : row.api_key;
  const all: Array<[string, Array<string | null>]> = [
    [TABLES.keys.table, [key]],
    [TABLES.users.table, [row.user_id]],
    [TABLES.teams.table, [row.team_id]],
    [TABLES.teamMembers.table, [row.team_id, row.user_id]],
    [TABLES.organizations.table, [row.organization_id]],
    [TABLES.endUsers.table, [row.end_user]],
    [MODEL_SPEND, [key, row.model_group]],
  ];
  return all
    .filter(([, ids]) => ids.every((id) => id !== null && id !== ''))
    .map(([table, ids]) => holder(table, ids as string[]));
}

export function holder(table: string, ids: string[]): Holder {
  return { table, ids, key: holderKey(table, ids) };
}

export function holderKey(table: string, ids: readonly string[]): string {
  return `${table}\u0000${ids.join('\u0000')}`;
}

export class PendingSpend {
  readonly #amounts = new Map<string, number>();

  add(holders: readonly Holder[], amount: number): void {
    if (amount <= 0) return;
    for (const { key } of holders) this.#amounts.set(key, (this.#amounts.get(key) ?? 0) + amount);
  }

  /** Written (or given up on): no longer pending. */
  settle(holders: readonly Holder[], amount: number): void {
    if (amount <= 0) return;
    for (const { key } of holders) {
      const left = (this.#amounts.get(key) ?? 0) - amount;
      // Float sums leave crumbs: below a billionth of a dollar is nothing pending.
      if (left <= 1e-12) this.#amounts.delete(key);
      else this.#amounts.set(key, left);
    }
  }

  get(table: string, ids: readonly string[]): number {
    return this.#amounts.get(holderKey(table, ids)) ?? 0;
  }
}
