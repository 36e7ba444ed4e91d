/**
 * `max_parallel_requests` across the processes sharing an accounts database (replicas on PostgreSQL,
 * `--num_workers` on the SQLite file). Each process counts its own requests in flight in memory, the
 * truth for its share, and mirrors the count into a row of its own (`tg_parallel_slots`: scope, owner,
 * count, heartbeat). A slot is taken when this process's count plus the other processes' fresh rows is
 * under the limit, checked and written in one transaction under a per-scope lock, so two processes never
 * both take the last slot.
 *
 * A process that dies leaves its rows behind; they stop counting once their heartbeat is older than
 * `STALE_MS`, so its slots come back within that time instead of never. A write that fails (a release
 * while the database is away) is made good by the next heartbeat, which rewrites the process's rows from
 * its memory.
 */
import { randomUUID } from 'node:crypto';
import type { SqlDb } from './sql/db.ts';

/** How often a process holding slots rewrites its rows, and how old a row may be and still count. */
export const HEARTBEAT_MS = 10_000;
export const STALE_MS = 30_000;
/** Rows of processes gone this long are deleted. */
const FORGET_MS = 10 * 60_000;

export class SharedSlots {
  readonly #db: SqlDb;
  readonly #now: () => number;
  /** This process's requests in flight per scope. */
  readonly #counts = new Map<string, number>();
  /** Scopes this process may have a row for (written, or whose write failed). */
  readonly #rows = new Set<string>();
  readonly owner = randomUUID();
  #timer: NodeJS.Timeout | undefined;

  constructor(db: SqlDb, now: () => number = Date.now) {
    this.#db = db;
    this.#now = now;
  }

  /** Takes a slot of `max` for `scope`; false when all of them are taken, here or elsewhere. */
  async acquire(scope: string, max: number): Promise<boolean> {
    const mine = this.#counts.get(scope) ?? 0;
    if (mine >= max) return false;
    const now = this.#now();
    let counted = false;
    const take = this.#db.transaction(async (tx) => {
      // SQLite's BEGIN IMMEDIATE already serialises writers; PostgreSQL needs a lock per scope.
      if (tx.engine === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [scope]);
      const others = await tx.query<{ n: number | string | null }>(
        'SELECT SUM(n) AS n FROM tg_parallel_slots WHERE scope = $1 AND owner <> $2 AND beat_at > $3',
        [scope, this.owner, now - STALE_MS],
      );
      // Read again inside the lock: another request of this process may have taken one meanwhile.
      const count = this.#counts.get(scope) ?? 0;
      if (Number(others[0]?.n ?? 0) + count >= max) return false;
      // Counted before the write, under the lock: this process's next acquire reads it there.
      this.#counts.set(scope, count + 1);
      counted = true;
      this.#rows.add(scope);
      await this.#write(tx, scope, count + 1, now);
      return true;
    });
    const taken = await take.catch((err: unknown) => {
      // Not committed: the slot was not taken (the caller refuses the request).
      if (counted) this.#uncount(scope);
      throw err;
    });
    if (taken) this.#beat();
    return taken;
  }

  release(scope: string): void {
    const n = this.#uncount(scope);
    // A failed write is left to the heartbeat, which rewrites the row from the count.
    this.#write(this.#db, scope, Math.max(0, n), this.#now()).catch(() => {});
  }

  #uncount(scope: string): number {
    const n = (this.#counts.get(scope) ?? 0) - 1;
    if (n <= 0) this.#counts.delete(scope);
    else this.#counts.set(scope, n);
    return n;
  }

  /** Stops the heartbeat and gives back this process's rows (a clean shutdown). */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#db.run('DELETE FROM tg_parallel_slots WHERE owner = $1', [this.owner]).catch(() => {});
  }

  async #write(db: SqlDb, scope: string, n: number, now: number): Promise<void> {
    if (n === 0) {
      await db.run('DELETE FROM tg_parallel_slots WHERE scope = $1 AND owner = $2', [scope, this.owner]);
      if ((this.#counts.get(scope) ?? 0) === 0) this.#rows.delete(scope);
      return;
    }
    await db.run(
      `INSERT INTO tg_parallel_slots (scope, owner, n, beat_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (scope, owner) DO UPDATE SET n = $3, beat_at = $4`,
      [scope, this.owner, n, now],
    );
  }

  /** Runs while this process may have rows: keeps them fresh, and corrects them from memory. */
  #beat(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => {
      if (this.#rows.size === 0) {
        clearInterval(this.#timer);
        this.#timer = undefined;
        return;
      }
      const now = this.#now();
      for (const scope of this.#rows)
        this.#write(this.#db, scope, this.#counts.get(scope) ?? 0, now).catch(() => {});
      this.#db.run('DELETE FROM tg_parallel_slots WHERE beat_at < $1', [now - FORGET_MS]).catch(() => {});
    }, HEARTBEAT_MS);
    this.#timer.unref();
  }
}
