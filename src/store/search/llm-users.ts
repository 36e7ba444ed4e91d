/**
 * `GET /api/{org}/{stream}/traces/user`: the latest LLM users, as OpenObserve's user list answers it.
 * A page of user ids (by their first span in the range, newest first) with their traces; then each
 * trace's totals over all its spans (a user id may sit on one span only, tokens on others), summed per
 * user: first and last event (nanoseconds), traces (`total_events`), tokens and cost.
 */
import { quoteIdent } from '../stream-schema.ts';
import { llmColumns } from './llm-schema.ts';
import type { QueryRunner } from './query-runner.ts';
import { checkFilter } from './sql-scan.ts';
import type { Params } from './traces.ts';
import { intParam, requiredRange, sqlString } from './url-params.ts';

export interface UserSummary {
  user_id: string;
  /** Nanoseconds, exact. */
  first_event: bigint;
  last_event: bigint;
  total_events: number;
  gen_ai_usage_total_tokens: number;
  gen_ai_usage_cost: number;
}

export function latestUsers(runner: QueryRunner, org: string, stream: string, params: Params) {
  const started = performance.now();
  const from = Math.max(0, intParam(params.from, 0));
  const size = intParam(params.size, 10);
  const { startUs, endUs } = requiredRange(params);
  const filter = params.filter?.trim() ? checkFilter(params.filter.trim()) : '';
  runner.scope(org, startUs, endUs);
  const schema = runner.streamColumns(stream);
  const took = () => Math.round(performance.now() - started);
  if (!schema) return { took: took(), total: 0, from, size, hits: [] };
  const cols = llmColumns(schema, stream, false);
  if (!schema.has(cols.user)) return { took: took(), total: 0, from, size, hits: [] };
  const user = quoteIdent(cols.user);
  const view = quoteIdent(stream);
  const users = runner.all(
    runner.prepare(
      `SELECT ${user} AS user_id, min(_timestamp) AS zo_sql_timestamp, json_group_array(DISTINCT trace_id) AS trace_ids
       FROM ${view} WHERE ${user} IS NOT NULL AND ${user} != ''${filter ? ` AND (${filter})` : ''}
       GROUP BY ${user} ORDER BY zo_sql_timestamp DESC LIMIT ${size < 0 ? -1 : size} OFFSET ${from}`,
    ),
  );
  if (users.length === 0) return { took: took(), total: 0, from, size, hits: [] };
  const traceIds = new Map(
    users.map((u) => [String(u.user_id), JSON.parse(String(u.trace_ids)) as string[]]),
  );
  const all = [...new Set([...traceIds.values()].flat())];
  const sum = (column: string | undefined) =>
    column && schema.has(column) ? `sum(${quoteIdent(column)})` : '0';
  const traces = runner.all(
    runner.prepare(
      `SELECT trace_id, min(start_time) AS start_time, max(end_time) AS end_time,
         ${sum(cols.total)} AS tokens, ${sum(cols.cost)} AS cost
       FROM ${view} WHERE trace_id IN (${all.map(sqlString).join(', ')}) GROUP BY trace_id`,
    ),
  );
  const byId = new Map(traces.map((t) => [String(t.trace_id), t]));
  const hits: UserSummary[] = [...traceIds].map(([id, ids]) => {
    const summary = {
      user_id: id,
      first_event: 0n,
      last_event: 0n,
      total_events: ids.length,
      gen_ai_usage_total_tokens: 0,
      gen_ai_usage_cost: 0,
    };
    for (const t of ids.map((i) => byId.get(i))) {
      if (!t) continue;
      const start = BigInt(t.start_time as number | bigint);
      const end = BigInt(t.end_time as number | bigint);
      if (summary.first_event === 0n || start < summary.first_event) summary.first_event = start;
      if (end > summary.last_event) summary.last_event = end;
      summary.gen_ai_usage_total_tokens += Math.trunc(Number(t.tokens ?? 0));
      summary.gen_ai_usage_cost += Number(t.cost ?? 0);
    }
    return summary;
  });
  hits.sort((a, b) => (b.last_event > a.last_event ? 1 : b.last_event < a.last_event ? -1 : 0));
  return { took: took(), total: hits.length, from, size, hits };
}
