/**
 * The accounts database in an SQLite file (`accounts.db` beside the trace store). node:sqlite is
 * synchronous: a query here costs microseconds on the event loop, less than a promise round trip to a
 * server, which is why a virtual key adds so little to a request. WAL with synchronous=NORMAL: readers
 * never wait for the writer, and a commit does not fsync (a power loss may lose the last moment's spend,
 * never the file). Several --num_workers processes share the file; `timeout` makes a writer wait its turn.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { preparePrivateFile } from '../../shared/private-file.ts';
import { enterWal } from '../../shared/sqlite-wal.ts';
import type { SqlDb, SqlRow, SqlValue } from './db.ts';

export class SqliteDb implements SqlDb {
  readonly engine = 'sqlite';
  readonly #db: DatabaseSync;
  /** Prepared once per SQL text: the hot path's few queries are prepared on first use. */
  readonly #statements = new Map<string, StatementSync>();
  /**
   * The open transaction's end. Its work awaits between statements, and other requests' code runs in
   * those gaps on this one connection: their statements and transactions wait for it to end rather than
   * land inside it (lost if it rolls back, or committed with it when theirs failed).
   */
  #open: Promise<void> | undefined;
  /** Set in the open transaction's work (however deep its calls go): its statements run at once. */
  readonly #inside = new AsyncLocalStorage<true>();

  constructor(path: string) {
    preparePrivateFile(path);
    this.#db = new DatabaseSync(path, { timeout: 5000 });
    enterWal(this.#db);
    this.#db.exec('PRAGMA synchronous = NORMAL');
    // Spend log indexes grow with every request: 16 MB of cache keeps their hot pages in memory.
    this.#db.exec(`PRAGMA cache_size = ${-16 * 1024}`);
  }

  /**
   * Synchronous reads for the request path (a key's lookup), where a promise would be pure cost. They
   * cannot wait, so they see what an open transaction has written so far.
   */
  querySync<T extends SqlRow = SqlRow>(sql: string, params: readonly SqlValue[] = []): T[] {
    return this.#statement(sql).all(...params) as T[];
  }

  runSync(sql: string, params: readonly SqlValue[] = []): number {
    return Number(this.#statement(sql).run(...params).changes);
  }

  async query<T extends SqlRow = SqlRow>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    while (this.#waits()) await this.#open;
    return this.querySync<T>(sql, params);
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    while (this.#waits()) await this.#open;
    return this.runSync(sql, params);
  }

  /** One transaction at a time on this connection; a call from inside one joins it. */
  async transaction<T>(work: (tx: SqlDb) => Promise<T>): Promise<T> {
    if (this.#inside.getStore() === true) return work(this);
    // Checked again after each wait, and nothing awaited between the check and the BEGIN: a waiter
    // woken at the same moment finds this one open.
    while (this.#waits()) await this.#open;
    let end = () => {};
    this.#open = new Promise((resolve) => {
      end = resolve;
    });
    try {
      this.#db.exec('BEGIN IMMEDIATE');
      try {
        const result = await this.#inside.run(true, () => work(this));
        this.#db.exec('COMMIT');
        return result;
      } catch (err) {
        // A failed COMMIT may have ended the transaction already; the error to report is `err`.
        if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
        throw err;
      }
    } finally {
      this.#open = undefined;
      end();
    }
  }

  /** A transaction other than the caller's own is open. */
  #waits(): boolean {
    return this.#open !== undefined && this.#inside.getStore() !== true;
  }

  /** Several statements at once (migrations). */
  exec(sql: string): void {
    this.#db.exec(sql);
  }

  async close(): Promise<void> {
    this.#statements.clear();
    this.#db.close();
  }

  #statement(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sqliteParameters(sql));
      this.#statements.set(sql, statement);
    }
    return statement;
  }
}

/**
 * `$1` is PostgreSQL's parameter; SQLite's numbered one is `?1`. When the numbers run 1, 2, 3, … in
 * order, each once (a multi-row INSERT), plain `?`s say the same and bind far faster: SQLite looks a
 * numbered parameter up by name, which makes a 2,800-parameter statement several times slower.
 */
export function sqliteParameters(sql: string): string {
  let next = 1;
  let sequential = true;
  for (const match of sql.matchAll(/\$(\d+)/g)) {
    if (Number(match[1]) !== next++) {
      sequential = false;
      break;
    }
  }
  return sql.replace(/\$(\d+)/g, sequential ? '?' : '?$1');
}
