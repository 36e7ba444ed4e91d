/** Kept responses in a SQLite file (`responses.db`) beside the trace store: the default. */
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { preparePrivateFile } from '../../shared/private-file.ts';
import { RETENTION_MS, type ResponseStore, type StoredResponse } from './store.ts';

/** Expired entries are swept at most this often, on a write. */
const SWEEP_EVERY_MS = 60 * 60 * 1000;

export class SqliteResponses implements ResponseStore {
  readonly #db: DatabaseSync;
  readonly #get: StatementSync;
  readonly #put: StatementSync;
  readonly #delete: StatementSync;
  #swept = 0;

  constructor(path: string) {
    preparePrivateFile(path);
    this.#db = new DatabaseSync(path, { timeout: 5000 });
    this.#db.exec('PRAGMA journal_mode = WAL');
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
    const row = this.#get.get(id, Date.now() - RETENTION_MS) as { body: string } | undefined;
    return row === undefined ? undefined : (JSON.parse(row.body) as StoredResponse);
  }

  async put(entry: StoredResponse): Promise<void> {
    this.#put.run(entry.id, entry.createdAt, JSON.stringify(entry));
    const now = Date.now();
    if (now - this.#swept < SWEEP_EVERY_MS) return;
    this.#swept = now;
    this.#db.prepare('DELETE FROM responses WHERE created_at <= ?').run(now - RETENTION_MS);
  }

  async delete(id: string): Promise<boolean> {
    return Number(this.#delete.run(id).changes) > 0;
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}
