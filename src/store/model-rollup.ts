/**
 * Per-minute, per-model rollups of LLM request spans, kept beside the rows in the same transaction, so
 * that the Models page reads a few hundred rows instead of scanning every span: requests, errors,
 * tokens, cost, retries, fallbacks, time to first token, and a latency histogram (20 logarithmic
 * buckets per decade, so percentiles are within ~6 %).
 */
import type { DatabaseSync } from 'node:sqlite';
import type { Cell, Row } from './columns.ts';

const MINUTE_US = 60_000_000;
const PER_DECADE = 20;

export const ROLLUP_TABLE = `
  CREATE TABLE _model_minutes (
    stream_id INTEGER NOT NULL,
    minute INTEGER NOT NULL,
    model TEXT NOT NULL,
    gateway INTEGER NOT NULL,
    requests INTEGER NOT NULL, errors INTEGER NOT NULL,
    tokens_in INTEGER NOT NULL, tokens_out INTEGER NOT NULL, cost REAL NOT NULL,
    retries INTEGER NOT NULL, fallbacks INTEGER NOT NULL,
    ttft_sum REAL NOT NULL, ttft_count INTEGER NOT NULL,
    latency TEXT NOT NULL,
    PRIMARY KEY (stream_id, minute, model, gateway)
  ) WITHOUT ROWID;`;

/** The additive columns of a rollup row: merging two rows adds each of them. */
export const COUNT_FIELDS = [
  'requests',
  'errors',
  'tokens_in',
  'tokens_out',
  'cost',
  'retries',
  'fallbacks',
  'ttft_sum',
  'ttft_count',
] as const;
export type Counts = Record<(typeof COUNT_FIELDS)[number], number>;

type Acc = Counts & { latency: Record<string, number> };

const num = (v: Cell | undefined): number =>
  typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : 0;

/** The latency bucket of a duration in µs. */
export function latencyBucket(us: number): number {
  return us <= 1 ? 0 : Math.floor(Math.log10(us) * PER_DECADE);
}

/** The duration a bucket stands for (its geometric middle), in µs. */
export function bucketValue(bucket: number): number {
  return 10 ** ((bucket + 0.5) / PER_DECADE);
}

/** Adds the LLM request spans among `rows` to the rollups. Call inside the batch's transaction. */
export function rollUp(db: DatabaseSync, streamId: number, rows: Row[]): void {
  const accs = new Map<string, Acc>();
  for (const row of rows) {
    const model = row.llm_model_name;
    if (typeof model !== 'string' || row.openinference_span_kind === undefined) continue;
    const minute = Math.floor(num(row._timestamp) / MINUTE_US) * MINUTE_US;
    const key = `${minute}\n${row.tollgate_model_group !== undefined ? 1 : 0}\n${model}`;
    let a = accs.get(key);
    if (!a) {
      a = {
        requests: 0,
        errors: 0,
        tokens_in: 0,
        tokens_out: 0,
        cost: 0,
        retries: 0,
        fallbacks: 0,
        ttft_sum: 0,
        ttft_count: 0,
        latency: {},
      };
      accs.set(key, a);
    }
    a.requests++;
    if (row.span_status === 'ERROR') a.errors++;
    a.tokens_in += num(row.llm_token_count_prompt);
    a.tokens_out += num(row.llm_token_count_completion);
    a.cost += num(row.gen_ai_usage_cost);
    a.retries += Math.max(0, num(row.tollgate_attempts) - 1);
    if (row.tollgate_fallback === true || row.tollgate_fallback === 1) a.fallbacks++;
    if (typeof row.gen_ai_response_time_to_first_chunk === 'number') {
      a.ttft_sum += row.gen_ai_response_time_to_first_chunk;
      a.ttft_count++;
    }
    const b = String(latencyBucket(num(row.duration)));
    a.latency[b] = (a.latency[b] ?? 0) + 1;
  }
  if (accs.size === 0) return;
  const read = db.prepare(
    'SELECT * FROM _model_minutes WHERE stream_id = ? AND minute = ? AND gateway = ? AND model = ?',
  );
  const write = db.prepare(
    `INSERT OR REPLACE INTO _model_minutes (stream_id, minute, model, gateway, requests, errors, tokens_in,
       tokens_out, cost, retries, fallbacks, ttft_sum, ttft_count, latency)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const [key, a] of accs) {
    const [minuteText, gatewayText, model] = key.split('\n') as [string, string, string];
    const minute = Number(minuteText);
    const gateway = Number(gatewayText);
    const old = read.get(streamId, minute, gateway, model) as (Counts & { latency: string }) | undefined;
    if (old) {
      for (const [b, n] of Object.entries(JSON.parse(old.latency) as Record<string, number>))
        a.latency[b] = (a.latency[b] ?? 0) + n;
      for (const f of COUNT_FIELDS) a[f] += old[f];
    }
    write.run(
      streamId,
      minute,
      model,
      gateway,
      a.requests,
      a.errors,
      a.tokens_in,
      a.tokens_out,
      a.cost,
      a.retries,
      a.fallbacks,
      a.ttft_sum,
      a.ttft_count,
      JSON.stringify(a.latency),
    );
  }
}
