/**
 * `GET /api/{org}/streams` and `…/streams/{stream}/schema`: which streams exist, their columns with
 * OpenObserve's types, their span counts and time span, and OpenObserve's stream settings — so a UI or
 * script can discover every attribute that has become a column. The listing carries the schema only with
 * `fetchSchema=true`, as OpenObserve's does (and then `total_fields` counts it).
 */
import type { DatabaseSync } from 'node:sqlite';
import { loadStreams, type Stream } from '../stream-schema.ts';
import { QueryError } from './query-error.ts';

export interface StreamStats {
  created_at: number;
  doc_time_min: number;
  doc_time_max: number;
  doc_num: number;
  file_num: number;
  storage_size: number;
  compressed_size: number;
  index_size: number;
}

export interface StreamInfo {
  name: string;
  storage_type: 'disk';
  stream_type: 'traces';
  stats: StreamStats;
  schema: Array<{ name: string; type: string }>;
  settings: Omit<typeof SETTINGS, 'is_llm_stream'> & { is_llm_stream: boolean };
  total_fields: number;
}

/** What the listing accepts besides the organisation (the route has checked the values). */
export interface ListOptions {
  fetchSchema?: boolean;
  keyword?: string;
  offset?: number;
  /** 0: every stream from `offset` on. */
  limit?: number;
  sort?: string;
  asc?: boolean;
}

/**
 * OpenObserve's settings of a stream nobody has configured, in its serialised order. No setting of
 * this store is per stream (retention is global, so `data_retention` 0 = "the global one", as there).
 */
const SETTINGS = {
  partition_keys: {},
  full_text_search_keys: [] as string[],
  index_fields: [] as string[],
  bloom_filter_fields: [] as string[],
  distinct_value_fields: [] as string[],
  data_retention: 0,
  max_query_range: 0,
  store_original_data: false,
  approx_partition: false,
  index_updated_at: 0,
  extended_retention_days: [] as string[],
  index_original_data: false,
  index_all_values: false,
  enable_distinct_fields: true,
  enable_log_patterns_extraction: false,
  is_llm_stream: false,
  storage_type: 'normal',
} as const;

/**
 * OpenObserve marks a stream as an LLM stream once an LLM span arrives in it; these columns are what
 * such a span leaves behind (after the ingest enrichment).
 */
const LLM_COLUMNS = [
  'gen_ai_operation_name',
  'gen_ai_request_model',
  'gen_ai_response_model',
  'gen_ai_agent_name',
  'gen_ai_agent_id',
  'gen_ai_usage_input_tokens',
  'gen_ai_usage_output_tokens',
  'gen_ai_input_messages',
  'gen_ai_output_messages',
];

type SortKey = 'doc_num' | 'storage_size' | 'compressed_size' | 'index_size';
const SORT_KEYS: ReadonlySet<string> = new Set(['doc_num', 'storage_size', 'compressed_size', 'index_size']);

export function listStreams(
  db: DatabaseSync,
  org: string,
  options: ListOptions = {},
): { list: StreamInfo[]; total: number } {
  const keyword = options.keyword?.toLowerCase() ?? '';
  let list = loadStreams(db)
    .filter((s) => s.org === org && s.name.toLowerCase().includes(keyword))
    .map((s) => describe(db, s, options.fetchSchema === true));
  const total = list.length;
  const offset = options.offset ?? 0;
  if (offset >= list.length) return { list: [], total };
  const sort = options.sort ?? 'name';
  const direction = options.asc === false ? -1 : 1;
  list.sort((a, b) => {
    const order = SORT_KEYS.has(sort)
      ? a.stats[sort as SortKey] - b.stats[sort as SortKey]
      : a.name < b.name
        ? -1
        : a.name > b.name
          ? 1
          : 0;
    return order * direction;
  });
  const limit = options.limit ?? 0;
  if (limit > 0) list = list.slice(offset, offset + limit);
  return { list, total };
}

export function streamSchema(db: DatabaseSync, org: string, name: string): StreamInfo {
  const stream = loadStreams(db).find((s) => s.org === org && s.name === name);
  if (!stream) throw new QueryError(`Stream ${name} not found`, 404);
  return describe(db, stream, true);
}

function describe(db: DatabaseSync, s: Stream, withSchema: boolean): StreamInfo {
  const stats = db
    .prepare(`SELECT count(*) AS n, min(_timestamp) AS lo, max(_timestamp) AS hi FROM ${s.table}`)
    .get() as { n: number; lo: number | null; hi: number | null };
  const created = db.prepare('SELECT created_at FROM _streams WHERE id = ?').get(s.id) as
    | { created_at: number }
    | undefined;
  const schema = withSchema ? [...s.columns].map(([name, type]) => ({ name, type })) : [];
  return {
    name: s.name,
    storage_type: 'disk',
    stream_type: 'traces',
    stats: {
      // OpenObserve's times are microseconds; the store keeps the creation in milliseconds.
      created_at: (created?.created_at ?? 0) * 1000,
      doc_time_min: stats.lo ?? 0,
      doc_time_max: stats.hi ?? 0,
      doc_num: stats.n,
      // Sizes are OpenObserve's parquet files; a SQLite table has none of its own to report.
      file_num: 0,
      storage_size: 0,
      compressed_size: 0,
      index_size: 0,
    },
    schema,
    settings: { ...SETTINGS, is_llm_stream: LLM_COLUMNS.some((c) => s.columns.has(c)) },
    total_fields: schema.length,
  };
}
