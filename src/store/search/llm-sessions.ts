/**
 * `GET /api/{org}/{stream}/traces/session`: the latest LLM sessions (spans sharing a session id), as
 * OpenObserve's session list answers it. A page of session ids first, by last activity (newest first),
 * one more than asked to learn whether another page exists without counting every session; then each
 * session's totals: traces, tokens, cost, errors, users and the first thing the user said. `filter`
 * keeps sessions with at least one span matching it.
 */
import { quoteIdent } from '../stream-schema.ts';
import { firstUserMessage } from './first-user-message.ts';
import { CACHE_COSTS, CACHE_TOKENS, type LlmColumns, llmColumns } from './llm-schema.ts';
import type { Hit, QueryRunner } from './query-runner.ts';
import { checkFilter } from './sql-scan.ts';
import type { Params } from './traces.ts';
import { intParam, requiredRange, sqlString } from './url-params.ts';

export function latestSessions(runner: QueryRunner, org: string, stream: string, params: Params) {
  const started = performance.now();
  const from = Math.max(0, intParam(params.from, 0));
  const size = Math.max(1, intParam(params.size, 10));
  const { startUs, endUs } = requiredRange(params);
  const filter = params.filter?.trim() ? checkFilter(params.filter.trim()) : '';
  runner.scope(org, startUs, endUs);
  const schema = runner.streamColumns(stream);
  const empty = { took: 0, total: 0, from, size, hits: [], has_more: false, total_is_exact: true };
  if (!schema) return empty;
  const cols = llmColumns(schema, stream);
  if (!schema.has(cols.session)) return empty;
  const session = quoteIdent(cols.session);
  const view = quoteIdent(stream);
  const having = filter ? ` HAVING max(CASE WHEN ${filter} THEN 1 ELSE 0 END) = 1` : '';
  const page = runner.all(
    runner.prepare(
      `SELECT ${session} AS session_id, max(end_time) AS session_last_activity FROM ${view}
       WHERE ${session} IS NOT NULL AND ${session} != '' GROUP BY ${session}${having}
       ORDER BY session_last_activity DESC, session_id DESC LIMIT ${size + 1} OFFSET ${from}`,
    ),
  );
  const ids = page.map((h) => String(h.session_id));
  const hasMore = ids.length > size;
  ids.length = Math.min(ids.length, size);
  const total = from + ids.length + (hasMore ? 1 : 0);
  const hits = ids.length === 0 ? [] : summaries(runner, view, cols, schema.has(cols.user), ids);
  return {
    took: Math.round(performance.now() - started),
    total,
    from,
    size,
    hits,
    has_more: hasMore,
    total_is_exact: !hasMore,
  };
}

function summaries(runner: QueryRunner, view: string, cols: LlmColumns, hasUser: boolean, ids: string[]) {
  const q = quoteIdent;
  const sum = (column: string | undefined, as: string) =>
    column ? `sum(${q(column)}) AS ${as}` : `0 AS ${as}`;
  const user = q(cols.user);
  const messages = cols.messages
    ? `(SELECT m.${q(cols.messages)} FROM ${view} m WHERE m.${q(cols.session)} = s.${q(cols.session)}
         AND m.${q(cols.messages)} IS NOT NULL AND m.${q(cols.messages)} != '' ORDER BY m.start_time LIMIT 1)`
    : "''";
  const optional = cols.genAi
    ? [...CACHE_TOKENS, ...CACHE_COSTS].map((c) => sum(cols.optional.includes(c) ? c : undefined, c))
    : [];
  const rows = runner.all(
    runner.prepare(
      `SELECT ${q(cols.session)} AS session_id, min(start_time) AS start_time, max(end_time) AS end_time,
         CASE WHEN max(end_time) > min(start_time) THEN max(end_time) - min(start_time) ELSE 0 END AS duration,
         count(DISTINCT trace_id) AS trace_count,
         ${sum(cols.input, 'gen_ai_usage_input_tokens')}, ${sum(cols.output, 'gen_ai_usage_output_tokens')},
         ${sum(cols.total, 'gen_ai_usage_total_tokens')}, ${sum(cols.cost, 'gen_ai_usage_cost')},
         ${optional.map((o) => `${o}, `).join('')}
         sum(CASE WHEN span_status = 'ERROR' THEN 1 ELSE 0 END) AS error_count,
         ${hasUser ? `json_group_array(DISTINCT ${user}) FILTER (WHERE ${user} IS NOT NULL AND ${user} != '')` : "'[]'"} AS user_ids,
         ${messages} AS gen_ai_input_messages
       FROM ${view} s WHERE ${q(cols.session)} IN (${ids.map(sqlString).join(', ')})
       GROUP BY ${q(cols.session)}`,
    ),
  );
  const order = new Map(ids.map((id, i) => [id, i]));
  return rows
    .map((row) => normalise(row))
    .sort(
      (a, b) =>
        Number(BigInt(b.end_time as number) - BigInt(a.end_time as number)) ||
        (order.get(String(a.session_id)) ?? 0) - (order.get(String(b.session_id)) ?? 0),
    );
}

/** The first user message replaces the raw messages; user ids come sorted, without blanks. */
function normalise(row: Hit): Record<string, unknown> {
  const { gen_ai_input_messages: messages, user_ids: users, ...rest } = row;
  const ids = (JSON.parse(typeof users === 'string' ? users : '[]') as unknown[])
    .map(String)
    .filter((u) => u !== '')
    .sort();
  return {
    ...rest,
    user_ids: [...new Set(ids)],
    first_user_message: firstUserMessage(typeof messages === 'string' && messages !== '' ? messages : null),
  };
}
