/**
 * The store's SQLite file: WAL (readers never wait for the writer), incremental auto-vacuum (retention
 * can give space back), and versioned migrations kept in `PRAGMA user_version`.
 */
import { DatabaseSync } from 'node:sqlite';
import { preparePrivateFile } from '../shared/private-file.ts';
import { enterWal } from '../shared/sqlite-wal.ts';
import type { Row } from './columns.ts';
import { ROLLUP_TABLE, rollUp } from './model-rollup.ts';
import { MAX_KEY_LENGTH } from './span-limits.ts';
import { loadStreams, quoteIdent } from './stream-schema.ts';

/** Each entry upgrades the schema by one version; never edit one that has shipped, append a new one. */
const MIGRATIONS: ReadonlyArray<(db: DatabaseSync) => void> = [
  (db) => {
    db.exec(`
      CREATE TABLE _streams (
        id INTEGER PRIMARY KEY,
        org TEXT NOT NULL,
        type TEXT NOT NULL,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        UNIQUE (org, type, name)
      );
      CREATE TABLE _columns (
        stream_id INTEGER NOT NULL REFERENCES _streams (id),
        name TEXT NOT NULL,
        type TEXT NOT NULL,
        PRIMARY KEY (stream_id, name)
      ) WITHOUT ROWID;
    `);
  },
  (db) => {
    db.exec(ROLLUP_TABLE);
    backfillRollups(db);
  },
  dropOverlongColumns,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Opens (creating when needed) and migrates the store at `path`; `:memory:` keeps it in memory. */
export function openStoreDatabase(path: string): DatabaseSync {
  preparePrivateFile(path);
  const db = new DatabaseSync(path, { timeout: 5000 });
  // Both must come before the first table exists to take effect. Rows are wide (~1 KB): larger
  // pages mean fewer B-tree splits per batch.
  db.exec('PRAGMA page_size = 8192');
  db.exec('PRAGMA auto_vacuum = INCREMENTAL');
  enterWal(db);
  // Index pages of a growing store stay in memory across batches (trace ids arrive in random order).
  // 16 MB, not more: the cache fills to its size and stays, in the gateway's RSS; 32 MB ingested no
  // faster in bench/memory.ts's comparison (bench/README.md, "Memory"). Readers keep SQLite's 2 MB.
  db.exec(`PRAGMA cache_size = ${-16 * 1024}`);
  // Checkpoints (which fsync) every ~64 MB of WAL instead of every 4 MB.
  db.exec('PRAGMA wal_autocheckpoint = 4000');
  // In WAL mode NORMAL cannot corrupt the database; a power loss may lose the last commits only.
  db.exec('PRAGMA synchronous = NORMAL');
  migrate(db);
  return db;
}

/** A second connection that can only read, for user queries. */
/**
 * The searches' connection. `maxValueBytes` bounds any string or blob a search builds: no stored value
 * is longer than an ingest body, while nested `replace()` calls build a gigabyte from a few bytes
 * without reading a row, out of reach of the per-row time limit.
 */
export function openReadOnly(path: string, maxValueBytes: number): DatabaseSync {
  // Not query_only: the per-search views live in the temp schema, which must stay writable.
  return new DatabaseSync(path, { readOnly: true, timeout: 5000, limits: { length: maxValueBytes } });
}

function migrate(db: DatabaseSync): void {
  const row = db.prepare('PRAGMA user_version').get() as { user_version: number };
  const from = row.user_version;
  if (from > MIGRATIONS.length)
    throw new Error(
      `the trace store was written by a newer Tollgate (schema ${from}, this one knows ${MIGRATIONS.length})`,
    );
  for (let version = from; version < MIGRATIONS.length; version++) {
    db.exec('BEGIN IMMEDIATE');
    try {
      MIGRATIONS[version]?.(db);
      db.exec(`PRAGMA user_version = ${version + 1}`);
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
  }
}

/**
 * Columns named by attribute keys longer than ingest now accepts (span-limits.ts). Before that cap, a
 * few megabyte keys made the table's schema too large for the search connection to load at all
 * ("string or blob too big" on every search); dropping them makes such a file searchable again.
 */
function dropOverlongColumns(db: DatabaseSync): void {
  const forget = db.prepare('DELETE FROM _columns WHERE stream_id = ? AND name = ?');
  for (const s of loadStreams(db))
    for (const name of s.columns.keys()) {
      if (name.length <= MAX_KEY_LENGTH) continue;
      db.exec(`ALTER TABLE ${s.table} DROP COLUMN ${quoteIdent(name)}`);
      forget.run(s.id, name);
    }
}

/** The columns the rollups read; the rest (nanosecond times among them) are not needed. */
const ROLLUP_COLUMNS = [
  '_timestamp',
  'llm_model_name',
  'openinference_span_kind',
  'tollgate_model_group',
  'span_status',
  'duration',
  'llm_token_count_prompt',
  'llm_token_count_completion',
  'gen_ai_usage_cost',
  'tollgate_attempts',
  'tollgate_fallback',
  'gen_ai_response_time_to_first_chunk',
];

/** Rollups for spans stored before they existed (schema 1), in chunks so memory stays flat. */
function backfillRollups(db: DatabaseSync): void {
  for (const s of loadStreams(db)) {
    if (!s.columns.has('llm_model_name') || !s.columns.has('openinference_span_kind')) continue;
    const columns = ROLLUP_COLUMNS.filter((c) => s.columns.has(c)).join(', ');
    const select = db.prepare(
      `SELECT rowid AS _rowid, ${columns} FROM ${s.table} WHERE rowid > ? AND llm_model_name IS NOT NULL ORDER BY rowid LIMIT 5000`,
    );
    for (let after = 0; ; ) {
      const rows = select.all(after) as Array<Row & { _rowid: number }>;
      if (rows.length === 0) break;
      rollUp(db, s.id, rows);
      after = rows.at(-1)?._rowid ?? Number.MAX_SAFE_INTEGER;
    }
  }
}
