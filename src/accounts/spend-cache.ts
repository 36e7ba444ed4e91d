/**
 * Budget holders' written spend, kept a moment in memory. A budget check reads the spend of every holder
 * of a request (key, user, team, …); an SQLite read costs ~40 µs on the request path even for one row by
 * its primary key (a WAL read transaction's locks), which alone is more than a key's whole admission
 * should add. Holders charged by this process are re-read after each of its spend writes (the entry is
 * dropped when the write commits, as the charge leaves `pending`); a holder only other processes charge
 * is re-read at most every FRESH_MS, so their written charges show this much later.
 */
import type { EntityTable } from './entity-table.ts';
import { type Holder, holderKey } from './pending-spend.ts';
import type { SqlDb } from './sql/db.ts';

export interface WrittenSpend {
  spend: number;
  budget_reset_at: string | null;
}

/** As often as this process writes its own spend (spend.ts's BATCH_MS). */
const FRESH_MS = 50;
/** Entries at most; past it the cache starts over (many holders cannot grow it without end). */
const MAX_ENTRIES = 50_000;

export class SpendCache {
  readonly #entries = new Map<string, { spend: WrittenSpend | undefined; at: number }>();
  /**
   * Bumped by every drop: a read that began before one does not store what it got (it may have read the
   * spend before a write committed, and would keep that for FRESH_MS on top of the pending charge's end).
   */
  #generation = 0;

  async read(db: SqlDb, table: EntityTable, ids: readonly string[]): Promise<WrittenSpend | undefined> {
    const key = holderKey(table.table, ids);
    const now = performance.now();
    const entry = this.#entries.get(key);
    if (entry !== undefined && now - entry.at < FRESH_MS) return entry.spend;
    const generation = this.#generation;
    const spend = await table.spendOf(db, ...ids);
    if (generation === this.#generation) {
      if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
      this.#entries.set(key, { spend, at: now });
    }
    return spend;
  }

  /** The holders' spend changed in the database (a write of this process, a budget reset). */
  drop(holders: readonly Holder[]): void {
    this.#generation++;
    for (const h of holders) this.#entries.delete(h.key);
  }

  /** Any account changed (here or, as heard, elsewhere): spend may have been set by hand. */
  clear(): void {
    this.#generation++;
    this.#entries.clear();
  }
}
