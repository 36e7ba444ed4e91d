/**
 * The Models page's query: per model (and per time bucket for the charts) over the gateway's LLM
 * request spans. Plain TypeScript, so the store benchmark times exactly what the page sends.
 */

/** A column if the stream has it, else NULL, so a query never fails on an attribute not seen yet. */
function col(known: Set<string>, name: string): string {
  return known.has(name) ? name : 'NULL';
}

/** The LLM request spans the gateway emitted (client spans and attempt spans are left out). */
function where(known: Set<string>): string {
  const gateway = known.has('tollgate_model_group') ? 'AND tollgate_model_group IS NOT NULL' : '';
  return `WHERE llm_model_name IS NOT NULL AND openinference_span_kind IS NOT NULL ${gateway}`;
}

/** One row per model over the whole range: the Models table. */
export function statsSql(known: Set<string>): string {
  const c = (n: string) => col(known, n);
  return `SELECT llm_model_name AS model,
      count(*) AS requests,
      count(*) FILTER (WHERE span_status = 'ERROR') * 1.0 / count(*) AS error_rate,
      approx_percentile_cont(duration, 0.5) AS p50,
      approx_percentile_cont(duration, 0.9) AS p90,
      approx_percentile_cont(duration, 0.95) AS p95,
      avg(${c('gen_ai_response_time_to_first_chunk')}) AS ttft,
      sum(${c('llm_token_count_prompt')}) AS tokens_in,
      sum(${c('llm_token_count_completion')}) AS tokens_out,
      sum(${c('gen_ai_usage_cost')}) AS cost,
      sum(coalesce(${c('tollgate_attempts')}, 1) - 1) AS retries,
      count(*) FILTER (WHERE ${c('tollgate_fallback')} = 1) AS fallbacks
    FROM "default" ${where(known)}
    GROUP BY llm_model_name ORDER BY requests DESC`;
}

/**
 * One row per model and time bucket (`bucket`: its start, µs): the charts. Buckets by arithmetic on
 * `_timestamp` rather than histogram(), which would call into JavaScript once per row.
 */
export function bucketSql(known: Set<string>, bucketUs: number): string {
  const c = (n: string) => col(known, n);
  return `SELECT (_timestamp / ${bucketUs}) * ${bucketUs} AS bucket,
      llm_model_name AS model,
      count(*) AS requests,
      count(*) FILTER (WHERE span_status = 'ERROR') * 1.0 / count(*) AS error_rate,
      approx_percentile_cont(duration, 0.95) AS p95,
      sum(${c('llm_token_count_completion')}) AS tokens_out
    FROM "default" ${where(known)}
    GROUP BY bucket, llm_model_name ORDER BY bucket`;
}
