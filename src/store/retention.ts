/**
 * Keeps the store within its limits: spans older than the age limit are deleted, then the oldest spans
 * until the data fits the size limit; freed pages go back to the file system (incremental vacuum).
 * Deletes run in chunks so a writer never waits long. Only spans are deleted for size, and only when
 * deleting them can bring the store under the limit: if the rest (schemas, rollups) is over it on its
 * own, no span is deleted for it.
 */
import type { DatabaseSync } from 'node:sqlite';
import { loadStreams, type Stream } from './stream-schema.ts';

export interface RetentionLimits {
  /** Oldest span kept, in milliseconds of age; 0 keeps every age. */
  maxAgeMs: number;
  /** Bytes of data kept; 0 keeps any size. */
  maxBytes: number;
}

const CHUNK = 5000;

export function enforceRetention(db: DatabaseSync, limits: RetentionLimits, nowMs = Date.now()): number {
  let deleted = 0;
  const streams = loadStreams(db);
  if (limits.maxAgeMs > 0) {
    const cutoffUs = (nowMs - limits.maxAgeMs) * 1000;
    for (const s of streams) {
      const remove = db.prepare(
        `DELETE FROM ${s.table} WHERE rowid IN (SELECT rowid FROM ${s.table} WHERE _timestamp < ? LIMIT ${CHUNK})`,
      );
      for (;;) {
        const { changes } = remove.run(cutoffUs);
        deleted += Number(changes);
        if (Number(changes) < CHUNK) break;
      }
    }
  }
  if (limits.maxBytes > 0 && usedBytes(db) > limits.maxBytes && spansCanFit(db, limits.maxBytes, streams)) {
    for (let round = 0; round < 1000 && usedBytes(db) > limits.maxBytes; round++) {
      const oldest = oldestStream(
        db,
        streams.map((s) => s.table),
      );
      if (!oldest) break;
      // Steps of about 5 % of the stream, so a small store is trimmed, not emptied.
      const rows = (db.prepare(`SELECT count(*) AS n FROM ${oldest}`).get() as { n: number }).n;
      const step = Math.min(CHUNK, Math.max(10, Math.ceil(rows / 20)));
      const { changes } = db
        .prepare(
          `DELETE FROM ${oldest} WHERE rowid IN (SELECT rowid FROM ${oldest} ORDER BY _timestamp LIMIT ${step})`,
        )
        .run();
      if (Number(changes) === 0) break;
      deleted += Number(changes);
    }
  }
  if (deleted > 0) {
    // Rollups go with the spans they summarize.
    if (limits.maxAgeMs > 0)
      db.prepare('DELETE FROM _model_minutes WHERE minute < ?').run((nowMs - limits.maxAgeMs) * 1000);
    for (const s of streams) {
      const { ts } = db.prepare(`SELECT min(_timestamp) AS ts FROM ${s.table}`).get() as {
        ts: number | null;
      };
      db.prepare('DELETE FROM _model_minutes WHERE stream_id = ? AND minute < ?').run(
        s.id,
        ts === null ? Number.MAX_SAFE_INTEGER : Math.floor(ts / 60_000_000) * 60_000_000,
      );
    }
    db.exec('PRAGMA incremental_vacuum');
  }
  return deleted;
}

/** Pages in use (not on the free list) times the page size. */
export function usedBytes(db: DatabaseSync): number {
  const page = (db.prepare('PRAGMA page_size').get() as { page_size: number }).page_size;
  const pages = (db.prepare('PRAGMA page_count').get() as { page_count: number }).page_count;
  const free = (db.prepare('PRAGMA freelist_count').get() as { freelist_count: number }).freelist_count;
  return (pages - free) * page;
}

/**
 * Whether the store without any span would be under `maxBytes`: the pages of the stream tables and
 * their indexes, from SQLite's dbstat, against all pages in use. Without dbstat, assumed so.
 */
function spansCanFit(db: DatabaseSync, maxBytes: number, streams: Stream[]): boolean {
  let spans = 0;
  try {
    const names = db.prepare(
      "SELECT name FROM sqlite_schema WHERE tbl_name = ? AND type IN ('table', 'index')",
    );
    const size = db.prepare('SELECT pgsize FROM dbstat WHERE name = ? AND aggregate = TRUE');
    for (const s of streams)
      for (const { name } of names.all(s.table) as Array<{ name: string }>)
        spans += Number((size.get(name) as { pgsize: number } | undefined)?.pgsize ?? 0);
  } catch {
    return true;
  }
  return usedBytes(db) - spans < maxBytes;
}

function oldestStream(db: DatabaseSync, tables: string[]): string | undefined {
  let best: { table: string; ts: number } | undefined;
  for (const table of tables) {
    const row = db.prepare(`SELECT min(_timestamp) AS ts FROM ${table}`).get() as { ts: number | null };
    if (row.ts !== null && (best === undefined || row.ts < best.ts)) best = { table, ts: row.ts };
  }
  return best?.table;
}
