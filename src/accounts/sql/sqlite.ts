/**
 * The accounts database in an SQLite file (`accounts.db` beside the trace store). node:sqlite is
 * synchronous: a query here costs microseconds on the event loop, less than a promise round trip to a
 * server, which is why a virtual key adds so little to a request. WAL with synchronous=NORMAL: readers
 * never wait for the writer, and a commit does not fsync (a power loss may lose the last moment's spend,
 * never the file). Several --num_workers processes share the file; `timeout` makes a writer wait its turn.
 */
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { preparePrivateFile } from '../../shared/private-file.ts';
import type { SqlDb, SqlRow, SqlValue } from './db.ts';

export class SqliteDb implements SqlDb {
  readonly engine = 'sqlite';
  readonly #db: DatabaseSync;
  /** Prepared once per SQL text: the hot path's few queries are prepared on first use. */
  readonly #statements = new Map<string, StatementSync>();
  #inTransaction = false;

  constructor(path: string) {
    preparePrivateFile(path);
    this.#db = new DatabaseSync(path, { timeout: 5000 });
    this.#db.exec('PRAGMA journal_mode = WAL');
    this.#db.exec('PRAGMA synchronous = NORMAL');
  }

  /** Synchronous reads for the request path (a key's lookup), where a promise would be pure cost. */
  querySync<T extends SqlRow = SqlRow>(sql: string, params: readonly SqlValue[] = []): T[] {
    return this.#statement(sql).all(...params) as T[];
  }

  runSync(sql: string, params: readonly SqlValue[] = []): number {
    return Number(this.#statement(sql).run(...params).changes);
  }

  async query<T extends SqlRow = SqlRow>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.querySync<T>(sql, params);
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return this.runSync(sql, params);
  }

  /** Statements run synchronously, so nothing else interleaves; a nested call joins the outer one. */
  async transaction<T>(work: (tx: SqlDb) => Promise<T>): Promise<T> {
    if (this.#inTransaction) return work(this);
    this.#db.exec('BEGIN IMMEDIATE');
    this.#inTransaction = true;
    try {
      const result = await work(this);
      this.#db.exec('COMMIT');
      return result;
    } catch (err) {
      this.#db.exec('ROLLBACK');
      throw err;
    } finally {
      this.#inTransaction = false;
    }
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
      // `$1` is PostgreSQL's parameter; SQLite's numbered one is `?1`.
      statement = this.#db.prepare(sql.replace(/\$(\d+)/g, '?$1'));
      this.#statements.set(sql, statement);
    }
    return statement;
  }
}
