/**
 * `GET /api/{org}/streams` and `…/streams/{stream}/schema`: which streams exist, their columns with
 * OpenObserve's types, and their span counts and time span — so a UI or script can discover every
 * attribute that has become a column.
 */
import type { DatabaseSync } from 'node:sqlite';
import { loadStreams, type Stream } from '../stream-schema.ts';
import { QueryError } from './query-error.ts';

export interface StreamInfo {
  name: string;
  stream_type: 'traces';
  storage_type: 'disk';
  stats: { doc_num: number; doc_time_min: number; doc_time_max: number };
  schema: Array<{ name: string; type: string }>;
}

export function listStreams(db: DatabaseSync, org: string): { list: StreamInfo[] } {
  return {
    list: loadStreams(db)
      .filter((s) => s.org === org)
      .map((s) => describe(db, s)),
  };
}

export function streamSchema(db: DatabaseSync, org: string, name: string): StreamInfo {
  const stream = loadStreams(db).find((s) => s.org === org && s.name === name);
  if (!stream) throw new QueryError(`Stream ${name} not found`, 404);
  return describe(db, stream);
}

function describe(db: DatabaseSync, s: Stream): StreamInfo {
  const stats = db
    .prepare(`SELECT count(*) AS n, min(_timestamp) AS lo, max(_timestamp) AS hi FROM ${s.table}`)
    .get() as { n: number; lo: number | null; hi: number | null };
  return {
    name: s.name,
    stream_type: 'traces',
    storage_type: 'disk',
    stats: { doc_num: stats.n, doc_time_min: stats.lo ?? 0, doc_time_max: stats.hi ?? 0 },
    schema: [...s.columns].map(([name, type]) => ({ name, type })),
  };
}
