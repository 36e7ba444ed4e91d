/**
 * Writes rows into their stream's table, one transaction per batch: a batch is stored whole or not at
 * all, so a crash mid-ingest loses at most the batch in flight. New attributes become new columns, up to
 * MAX_NEW_COLUMNS_PER_SPAN per span and MAX_COLUMNS per stream; the rest are kept in `_overflow`.
 */
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import type { Cell, Row } from './columns.ts';
import { stringify } from './json.ts';
import { rollUp } from './model-rollup.ts';
import { count, MAX_NEW_COLUMNS_PER_SPAN, MAX_STREAMS, type Tally, TRIM } from './span-limits.ts';
import { StoreError } from './store-error.ts';
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

/** One request's rows; `tally` counts attributes that went to `_overflow` instead of a column. */
export interface WriteBatch {
  org: string;
  stream: string;
  rows: Row[];
  tally?: Tally;
  /**
   * The gateway's own spans: their one stream is made even when the store has its most streams, so a
   * sender that names streams first cannot leave the gateway untraced.
   */
  own?: boolean;
}

export class StoreWriter {
  readonly #db: DatabaseSync;
  readonly #streams = new Map<string, Stream>();
  /** The prepared INSERT of each stream table. */
  readonly #inserts = new Map<string, Insert>();
  /** `PRAGMA schema_version` when the cache above was last in step with the database. */
  #schemaVersion = -1;

  readonly #maxStreams: number;

  constructor(db: DatabaseSync, maxStreams = MAX_STREAMS) {
    this.#db = db;
    this.#maxStreams = maxStreams;
    this.#reload();
  }

  /** Stores the rows of one batch atomically. */
  write(org: string, streamName: string, rows: Row[], tally?: Tally): void {
    this.writeAll([{ org, stream: streamName, rows, tally }]);
  }

  /**
   * Stores several batches in one transaction: all or none. Commits (and the WAL pages they write)
   * are the largest cost of ingest, so batches that arrive together are written together.
   */
  writeAll(batches: WriteBatch[]): void {
    if (batches.every((b) => b.rows.length === 0)) return;
    const db = this.#db;
    db.exec('BEGIN IMMEDIATE');
    try {
      // Another process (a --num_workers sibling) may have added streams or columns since: start from
      // what the database holds, or this one would add them a second time.
      if (schemaVersion(db) !== this.#schemaVersion) this.#reload();
      for (const batch of batches) {
        if (batch.rows.length === 0) continue;
        const stream = this.#stream(batch.org, batch.stream, batch.own ?? false);
        // Counted apart and added on success: a batch retried alone must not count twice.
        const tally: Tally = new Map();
        for (const row of batch.rows) this.#insert(stream, row, tally);
        rollUp(db, stream.id, batch.rows);
        if (batch.tally) for (const [reason, n] of tally) count(batch.tally, reason, n);
      }
      this.#schemaVersion = schemaVersion(db);
      db.exec('COMMIT');
    } catch (err) {
      // Some errors (a full disk among them) end the transaction themselves; a ROLLBACK then fails
      // with "no transaction is active", which would replace the error that says what happened.
      if (db.isTransaction) db.exec('ROLLBACK');
      // Columns added in the failed transaction are gone again; reload what the database holds.
      this.#reload();
      throw err;
    }
  }

  #reload(): void {
    this.#streams.clear();
    this.#inserts.clear();
    for (const s of loadStreams(this.#db)) this.#streams.set(key(s.org, s.name), s);
    this.#schemaVersion = schemaVersion(this.#db);
  }

  #stream(org: string, name: string, own: boolean): Stream {
    const k = key(org, name);
    let stream = this.#streams.get(k);
    if (!stream) {
      // Refused, not stored elsewhere: the sender chose the name, and an existing stream takes its spans.
      if (!own && this.#streams.size >= this.#maxStreams)
        throw new StoreError(
          `The trace store keeps at most ${this.#maxStreams} streams and has that many; send spans to an existing stream (stream-name header) or organisation`,
          400,
        );
      stream = createStream(this.#db, org, name);
      this.#streams.set(k, stream);
    }
    return stream;
  }

  #insert(stream: Stream, row: Row, tally: Tally): void {
    let overflow: Record<string, Cell> | undefined;
    let added = 0;
    for (const name in row) {
      const value = row[name] as Cell;
      const type = stream.columns.get(name);
      const incoming = typeOf(value);
      if (type === undefined) {
        const full = stream.columns.size >= MAX_COLUMNS;
        if (full || added >= MAX_NEW_COLUMNS_PER_SPAN) {
          count(tally, full ? TRIM.streamFull : TRIM.newColumns);
          overflow ??= Object.create(null) as Record<string, Cell>;
          overflow[name] = value;
          continue;
        }
        added++;
        addColumn(this.#db, stream, name, incoming);
      } else if (type !== incoming && widen(type, incoming) !== type) {
        setColumnType(this.#db, stream, name, widen(type, incoming));
      }
    }
    if (overflow && !stream.columns.has(OVERFLOW_COLUMN))
      addColumn(this.#db, stream, OVERFLOW_COLUMN, 'Utf8');
    const insert = this.#statement(stream);
    const values: SQLInputValue[] = new Array(insert.columns.length).fill(null);
    for (const name in row) {
      const at = insert.index.get(name);
      if (at !== undefined) values[at] = stored(row[name] as Cell, stream.columns.get(name) as ColumnType);
    }
    if (overflow) values[insert.index.get(OVERFLOW_COLUMN) as number] = stringify(overflow);
    insert.statement.run(...values);
  }

  /** One INSERT over every column of the stream, rebuilt when a column is added; absent values bind null. */
  #statement(stream: Stream): Insert {
    const cached = this.#inserts.get(stream.table);
    if (cached && cached.columns.length === stream.columns.size) return cached;
    const columns = [...stream.columns.keys()];
    const statement = this.#db.prepare(
      `INSERT INTO ${stream.table} (${columns.map(quoteIdent).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
    );
    const insert = { statement, columns, index: new Map(columns.map((c, i) => [c, i])) };
    this.#inserts.set(stream.table, insert);
    return insert;
  }
}

interface Insert {
  statement: StatementSync;
  columns: string[];
  index: Map<string, number>;
}

function schemaVersion(db: DatabaseSync): number {
  return (db.prepare('PRAGMA schema_version').get() as { schema_version: number }).schema_version;
}

function key(org: string, name: string): string {
  return `${org}\n${name}`;
}

/** The value as its column stores it: text columns hold text, booleans are 1 and 0. */
function stored(value: Cell, type: ColumnType): SQLInputValue {
  if (type === 'Utf8') return typeof value === 'string' ? value : String(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  // OTLP times are unsigned 64-bit and JSON integers unbounded; SQLite refuses to bind past int64.
  if (typeof value === 'bigint' && BigInt.asIntN(64, value) !== value) return String(value);
  return value;
}
