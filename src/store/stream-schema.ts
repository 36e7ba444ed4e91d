/**
 * Streams and their columns. Each stream is one table whose columns grow as new attributes arrive, so
 * any attribute is a real column for SQL the moment it is first seen. Column types follow OpenObserve's
 * (Utf8, Int64, Float64, Boolean) and widen when a later value needs it.
 */
import type { DatabaseSync } from 'node:sqlite';
import { type Cell, CORE_COLUMNS } from './columns.ts';

export type ColumnType = 'Boolean' | 'Int64' | 'Float64' | 'Utf8';

export interface Stream {
  id: number;
  org: string;
  name: string;
  /** The table's name: derived from the id, so no user text is ever spliced into DDL unquoted. */
  table: string;
  columns: Map<string, ColumnType>;
}

/** SQLite allows 2,000 columns; past this many, further attributes go into one JSON column. */
export const MAX_COLUMNS = 1000;
export const OVERFLOW_COLUMN = '_overflow';

const CORE_TYPES: Record<(typeof CORE_COLUMNS)[number], ColumnType> = {
  _timestamp: 'Int64',
  trace_id: 'Utf8',
  span_id: 'Utf8',
  reference_parent_span_id: 'Utf8',
  reference_parent_trace_id: 'Utf8',
  reference_ref_type: 'Utf8',
  operation_name: 'Utf8',
  service_name: 'Utf8',
  span_kind: 'Utf8',
  span_status: 'Utf8',
  status_code: 'Int64',
  status_message: 'Utf8',
  start_time: 'Int64',
  end_time: 'Int64',
  duration: 'Int64',
  events: 'Utf8',
  links: 'Utf8',
  flags: 'Int64',
};

/** Attributes users filter on with a time range often enough to deserve an index when they appear. */
const INDEXED = new Set(['llm_model_name']);

const RANK: Record<ColumnType, number> = { Boolean: 0, Int64: 1, Float64: 2, Utf8: 3 };

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function typeOf(value: Cell): ColumnType {
  if (typeof value === 'boolean') return 'Boolean';
  if (typeof value === 'bigint') return 'Int64';
  if (typeof value === 'number') return Number.isInteger(value) ? 'Int64' : 'Float64';
  return 'Utf8';
}

/** The type a column needs to hold both; booleans mixed with numbers or text become text. */
export function widen(a: ColumnType, b: ColumnType): ColumnType {
  if (a === b) return a;
  if (a === 'Boolean' || b === 'Boolean') return 'Utf8';
  return RANK[a] > RANK[b] ? a : b;
}

/** Every stream in the database, with its columns. */
export function loadStreams(db: DatabaseSync): Stream[] {
  const streams = db
    .prepare('SELECT id, org, name FROM _streams WHERE type = ? ORDER BY id')
    .all('traces') as Array<{
    id: number;
    org: string;
    name: string;
  }>;
  const columns = db.prepare('SELECT name, type FROM _columns WHERE stream_id = ?');
  return streams.map((s) => ({
    ...s,
    table: tableName(s.id),
    columns: new Map(
      (columns.all(s.id) as Array<{ name: string; type: ColumnType }>).map((c) => [c.name, c.type]),
    ),
  }));
}

/** Creates a stream's table with the core columns and its indexes. Call inside a transaction. */
export function createStream(db: DatabaseSync, org: string, name: string): Stream {
  const { lastInsertRowid } = db
    .prepare('INSERT INTO _streams (org, type, name, created_at) VALUES (?, ?, ?, ?)')
    .run(org, 'traces', name, Date.now());
  const id = Number(lastInsertRowid);
  const table = tableName(id);
  const defs = CORE_COLUMNS.map((c) => `${quoteIdent(c)} ${sqlType(CORE_TYPES[c])}`).join(', ');
  db.exec(`CREATE TABLE ${table} (${defs})`);
  db.exec(`CREATE INDEX ${table}_ts ON ${table} (_timestamp)`);
  db.exec(`CREATE INDEX ${table}_trace ON ${table} (trace_id)`);
  const insert = db.prepare('INSERT INTO _columns (stream_id, name, type) VALUES (?, ?, ?)');
  const columns = new Map<string, ColumnType>();
  for (const c of CORE_COLUMNS) {
    insert.run(id, c, CORE_TYPES[c]);
    columns.set(c, CORE_TYPES[c]);
  }
  return { id, org, name, table, columns };
}

/** Adds a column. No declared type, so SQLite keeps each value exactly as bound. */
export function addColumn(db: DatabaseSync, stream: Stream, name: string, type: ColumnType): void {
  db.exec(`ALTER TABLE ${stream.table} ADD COLUMN ${quoteIdent(name)}`);
  db.prepare('INSERT INTO _columns (stream_id, name, type) VALUES (?, ?, ?)').run(stream.id, name, type);
  if (INDEXED.has(name))
    db.exec(`CREATE INDEX ${stream.table}_${name} ON ${stream.table} (${quoteIdent(name)}, _timestamp)`);
  stream.columns.set(name, type);
}

export function setColumnType(db: DatabaseSync, stream: Stream, name: string, type: ColumnType): void {
  db.prepare('UPDATE _columns SET type = ? WHERE stream_id = ? AND name = ?').run(type, stream.id, name);
  stream.columns.set(name, type);
}

function tableName(id: number): string {
  return `stream_${id}`;
}

function sqlType(type: ColumnType): string {
  return type === 'Utf8' ? 'TEXT' : 'INTEGER';
}
