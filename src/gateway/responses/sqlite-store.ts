/**
 * Kept responses in a SQLite file (`responses.db`) beside the trace store: the default. Writes are on
 * the request path's thread, so they are gathered and committed together once per turn of the event
 * loop, without an fsync per commit (WAL with `synchronous = NORMAL`: a crash of the machine may lose the
 * last moment's answers, never the file). An answer not yet committed is read from memory.
 */
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { preparePrivateFile } from '../../shared/private-file.ts';
import { enterWal } from '../../shared/sqlite-wal.ts';
import { RETENTION_MS, type ResponseStore, type StoredResponse } from './store.ts';

/** Expired entries are swept at most this often, on a write. */
const SWEEP_EVERY_MS = 60 * 60 * 1000;

export class SqliteResponses implements ResponseStore {
  readonly #db: DatabaseSync;
  readonly #get: StatementSync;
  readonly #put: StatementSync;
  readonly #delete: StatementSync;
  readonly #pending = new Map<string, StoredResponse>();
  #flushing: NodeJS.Immediate | undefined;
  #swept = 0;
  readonly #onError: (err: unknown) => void;

  /** `onError`: a batch that could not be written (a full disk); its answers are not kept. */
  constructor(path: string, onError: (err: unknown) => void = () => {}) {
    this.#onError = onError;
    preparePrivateFile(path);
    this.#db = new DatabaseSync(path, { timeout: 5000 });
    enterWal(this.#db);
    this.#db.exec('PRAGMA synchronous = NORMAL');
    // --num_workers: every worker opens the file; IF NOT EXISTS makes the second one's start a no-op.
    this.#db.exec(
      'CREATE TABLE IF NOT EXISTS responses (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, body TEXT NOT NULL)',
    );
    this.#db.exec('CREATE INDEX IF NOT EXISTS responses_created ON responses (created_at)');
    this.#get = this.#db.prepare('SELECT body FROM responses WHERE id = ? AND created_at > ?');
    this.#put = this.#db.prepare('INSERT OR REPLACE INTO responses (id, created_at, body) VALUES (?, ?, ?)');
    this.#delete = this.#db.prepare('DELETE FROM responses WHERE id = ?');
  }

  async get(id: string): Promise<StoredResponse | undefined> {
    const pending = this.#pending.get(id);
    if (pending !== undefined) return Date.now() - pending.createdAt <= RETENTION_MS ? pending : undefined;
    const row = this.#get.get(id, Date.now() - RETENTION_MS) as { body: string } | undefined;
    return row === undefined ? undefined : (JSON.parse(row.body) as StoredResponse);
  }

  async put(entry: StoredResponse): Promise<void> {
    this.#pending.set(entry.id, entry);
    this.#flushing ??= setImmediate(() => {
      try {
        this.#flush();
      } catch (err) {
        this.#onError(err);
      }
    });
  }

  async delete(id: string): Promise<boolean> {
    const pending = this.#pending.delete(id);
    return Number(this.#delete.run(id).changes) > 0 || pending;
  }

  async close(): Promise<void> {
    this.#flush();
    this.#db.close();
  }

  #flush(): void {
    if (this.#flushing !== undefined) clearImmediate(this.#flushing);
    this.#flushing = undefined;
    if (this.#pending.size === 0) return;
    const now = Date.now();
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      for (const entry of this.#pending.values())
        this.#put.run(entry.id, entry.createdAt, JSON.stringify(entry));
      if (now - this.#swept >= SWEEP_EVERY_MS) {
        this.#swept = now;
        this.#db.prepare('DELETE FROM responses WHERE created_at <= ?').run(now - RETENTION_MS);
      }
      this.#db.exec('COMMIT');
    } catch (err) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw err;
    } finally {
      this.#pending.clear();
    }
  }
}
