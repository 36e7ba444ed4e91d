/**
 * Budget holders' written spend, kept in memory. A budget check reads the spend of every holder of a
 * request (key, user, team, …); an SQLite read costs ~40 µs on the request path even for one row by its
 * primary key (a WAL read transaction's locks), several times that on an idle machine, which alone is
 * more than a key's whole admission should add. So:
 * - this process's own writes are added to the cached spend as they commit (the same moment they leave
 *   `pending`), so its own charges never need a read;
 * - spend other processes write is picked up by re-reading: past FRESH_MS in the background (after the
 *   request that found the entry old, which answers with it), past STALE_MS before answering.
 * A check therefore sees other replicas' written charges at most STALE_MS late.
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
const STALE_MS = 100;
/** Entries at most; past it the cache starts over (many holders cannot grow it without end). */
const MAX_ENTRIES = 50_000;

interface Entry {
  written: WrittenSpend | undefined;
  at: number;
  refreshing: boolean;
}

export class SpendCache {
  readonly #entries = new Map<string, Entry>();
  /**
   * Bumped by every write of this process and every drop: a read begun before one does not store what
   * it got (it may have read the spend before the write committed, which the entry has added since).
   */
  #generation = 0;

  async read(db: SqlDb, table: EntityTable, ids: readonly string[]): Promise<WrittenSpend | undefined> {
    const key = holderKey(table.table, ids);
    const entry = this.#entries.get(key);
    if (entry !== undefined) {
      const age = performance.now() - entry.at;
      if (age < FRESH_MS) return entry.written;
      if (age < STALE_MS) {
        if (!entry.refreshing) this.#refresh(entry, key, db, table, ids);
        return entry.written;
      }
    }
    return this.#load(key, db, table, ids);
  }

  /** This process wrote `amount` to each holder's spend (committed). */
  written(holders: readonly Holder[], amount: number): void {
    this.#generation++;
    if (amount <= 0) return;
    for (const h of holders) {
      const entry = this.#entries.get(h.key);
      if (entry?.written !== undefined)
        entry.written = { ...entry.written, spend: entry.written.spend + amount };
    }
  }

  /** The holders' spend changed in a way this cache cannot follow (a budget period reset). */
  drop(holders: readonly Holder[]): void {
    this.#generation++;
    for (const h of holders) this.#entries.delete(h.key);
  }

  /** Any account changed (here or, as heard, elsewhere): spend may have been set by hand. */
  clear(): void {
    this.#generation++;
    this.#entries.clear();
  }

  #refresh(entry: Entry, key: string, db: SqlDb, table: EntityTable, ids: readonly string[]): void {
    entry.refreshing = true;
    // After the request that found it old has been answered, not in its time.
    setImmediate(() => {
      this.#load(key, db, table, ids)
        .catch(() => {})
        .finally(() => {
          entry.refreshing = false;
        });
    });
  }

  async #load(
    key: string,
    db: SqlDb,
    table: EntityTable,
    ids: readonly string[],
  ): Promise<WrittenSpend | undefined> {
    const generation = this.#generation;
    const at = performance.now();
    const written = await table.spendOf(db, ...ids);
    if (generation === this.#generation) {
      if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
      this.#entries.set(key, { written, at, refreshing: false });
    }
    return written;
  }
}
