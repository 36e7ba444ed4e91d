/**
 * The accounts database, whichever engine holds it: the embedded SQLite file by default, PostgreSQL when
 * `DATABASE_URL` is set. Queries are written once, in the SQL both engines speak (`$1` parameters,
 * `ON CONFLICT … DO UPDATE`, `RETURNING`), and run through this interface.
 */

export type SqlValue = string | number | null;
export type SqlRow = Record<string, SqlValue>;

export interface SqlDb {
  readonly engine: 'sqlite' | 'postgres';
  /** Rows of a SELECT (or of a statement with RETURNING). */
  query<T extends SqlRow = SqlRow>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** Runs a statement; resolves to the number of rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /** Runs `work` in one transaction: all of its statements land, or none. */
  transaction<T>(work: (tx: SqlDb) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A table's JSON column read back; a row written by a newer version with other fields still parses. */
export function parseJson<T>(text: SqlValue | undefined): T | undefined {
  if (typeof text !== 'string' || text === '') return undefined;
  return JSON.parse(text) as T;
}
