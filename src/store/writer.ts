/**
 * Writes rows into their stream's table, one transaction per batch: a batch is stored whole or not at
 * all, so a crash mid-ingest loses at most the batch in flight. New attributes become new columns.
 */
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import type { Cell, Row } from './columns.ts';
import { stringify } from './json.ts';
import {
  addColumn,
  type ColumnType,
  createStream,
  loadStreams,
  MAX_COLUMNS,
  OVERFLOW_COLUMN,
  quoteIdent,
  type Stream,
  setColumnType,
  typeOf,
  widen,
} from './stream-schema.ts';

const STATEMENT_CACHE = 128;

export class StoreWriter {
  readonly #db: DatabaseSync;
  readonly #streams = new Map<string, Stream>();
  /** Prepared INSERTs by table and column list; rows of one shape share one. */
  readonly #inserts = new Map<string, StatementSync>();

  constructor(db: DatabaseSync) {
    this.#db = db;
    for (const s of loadStreams(db)) this.#streams.set(key(s.org, s.name), s);
  }

  /** Stores the rows of one batch atomically. */
  write(org: string, streamName: string, rows: Row[]): void {
    if (rows.length === 0) return;
    const db = this.#db;
    db.exec('BEGIN IMMEDIATE');
    try {
      const stream = this.#stream(org, streamName);
      for (const row of rows) this.#insert(stream, row);
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      // Columns added in the failed transaction are gone again; reload what the database holds.
      this.#streams.clear();
      this.#inserts.clear();
      for (const s of loadStreams(db)) this.#streams.set(key(s.org, s.name), s);
      throw err;
    }
  }

  #stream(org: string, name: string): Stream {
    const k = key(org, name);
    let stream = this.#streams.get(k);
    if (!stream) {
      stream = createStream(this.#db, org, name);
      this.#streams.set(k, stream);
    }
    return stream;
  }

  #insert(stream: Stream, row: Row): void {
    const names: string[] = [];
    const values: SQLInputValue[] = [];
    let overflow: Record<string, Cell> | undefined;
    for (const name in row) {
      const value = row[name] as Cell;
      let type = stream.columns.get(name);
      const incoming = typeOf(value);
      if (type === undefined) {
        if (stream.columns.size >= MAX_COLUMNS) {
          overflow ??= {};
          overflow[name] = value;
          continue;
        }
        addColumn(this.#db, stream, name, incoming);
        type = incoming;
      } else if (type !== incoming && widen(type, incoming) !== type) {
        type = widen(type, incoming);
        setColumnType(this.#db, stream, name, type);
      }
      names.push(name);
      values.push(stored(value, type));
    }
    if (overflow) {
      if (!stream.columns.has(OVERFLOW_COLUMN)) addColumn(this.#db, stream, OVERFLOW_COLUMN, 'Utf8');
      names.push(OVERFLOW_COLUMN);
      values.push(stringify(overflow));
    }
    this.#statement(stream.table, names).run(...values);
  }

  #statement(table: string, names: string[]): StatementSync {
    const k = `${table}\n${names.join('\n')}`;
    let statement = this.#inserts.get(k);
    if (!statement) {
      const columns = names.map(quoteIdent).join(', ');
      statement = this.#db.prepare(
        `INSERT INTO ${table} (${columns}) VALUES (${names.map(() => '?').join(', ')})`,
      );
      if (this.#inserts.size >= STATEMENT_CACHE)
        this.#inserts.delete(this.#inserts.keys().next().value as string);
      this.#inserts.set(k, statement);
    }
    return statement;
  }
}

function key(org: string, name: string): string {
  return `${org}\n${name}`;
}

/** The value as its column stores it: text columns hold text, booleans are 1 and 0. */
function stored(value: Cell, type: ColumnType): SQLInputValue {
  if (type === 'Utf8') return typeof value === 'string' ? value : String(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}
