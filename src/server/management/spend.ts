/**
 * LiteLLM's spend routes: `/spend/logs` (and the paged `/spend/logs/v2`), `/global/spend`,
 * `/global/spend/keys|models|teams|end_users`; `/global/spend/report` is spend-report.ts. Rows come back
 * in LiteLLM_SpendLogs' shape (`startTime`, `user`, `metadata` as an object) from tg_spend_logs'
 * snake_case columns. Every query is bounded: a row limit, a date range, or both, and served by an index
 * on `start_time`, `api_key`, `user_id` or `team_id` (sql/migrations.ts).
 */
import type { FastifyInstance } from 'fastify';
import { tokenOf } from '../../accounts/key-text.ts';
import type { SpendRow } from '../../accounts/spend-log.ts';
import { parseJson, type SqlRow } from '../../accounts/sql/db.ts';
import type { JsonObject } from '../../shared/json.ts';
import type { Management } from './context.ts';
import { bodyObject, invalid, queryInt, queryText } from './fields.ts';
import { dayAfter, lastDays, type Range, rangeOf, Where } from './spend-query.ts';
import { registerSpendReport } from './spend-report.ts';
import { registerSpendTags } from './spend-tags.ts';

/** Rows `/spend/logs` answers at most (LiteLLM's is unbounded; `limit` asks for fewer or more). */
const LOG_ROWS = 1000;
const MAX_LOG_ROWS = 10_000;

export function registerSpendRoutes(app: FastifyInstance, m: Management): void {
  app.get('/spend/logs', async (request) => spendLogs(m, request.query));
  app.get('/spend/logs/v2', async (request) => spendLogsPage(m, request.query));
  app.get('/global/spend', async () => globalSpend(m));
  app.get('/global/spend/keys', async (request) => spendByKey(m, request.query));
  app.get('/global/spend/models', async (request) => spendByModel(m, request.query));
  app.get('/global/spend/teams', async () => spendByTeam(m));
  app.post('/global/spend/end_users', async (request) => spendByEndUser(m, bodyObject(request.body)));
  registerSpendReport(app, m);
  registerSpendTags(app, m);
}

/** A tg_spend_logs row as LiteLLM_SpendLogs answers it. */
export function litellmRow(row: SqlRow): JsonObject {
  const r = row as unknown as SpendRow;
  return {
    request_id: r.request_id,
    call_type: r.call_type,
    api_key: r.api_key,
    spend: Number(r.spend),
    total_tokens: Number(r.total_tokens),
    prompt_tokens: Number(r.prompt_tokens),
    completion_tokens: Number(r.completion_tokens),
    startTime: r.start_time,
    endTime: r.end_time,
    completionStartTime: r.completion_start_time,
    model: r.model,
    model_id: r.model_id,
    model_group: r.model_group,
    custom_llm_provider: r.custom_llm_provider,
    api_base: r.api_base,
    user: r.user_id ?? '',
    metadata: parseJson<JsonObject>(r.metadata) ?? {},
    cache_hit: r.cache_hit,
    cache_key: null,
    request_tags: parseJson<string[]>(r.request_tags) ?? [],
    team_id: r.team_id,
    organization_id: r.organization_id,
    end_user: r.end_user,
    requester_ip_address: r.requester_ip_address,
    session_id: r.session_id,
    status: r.status,
  };
}

/** A key given as itself (`sk-…`) or as its token, as LiteLLM's spend routes take it. */
function apiKeyOf(query: unknown): string | undefined {
  const key = queryText(query, 'api_key');
  return key === undefined ? undefined : tokenOf(key);
}

async function spendLogs(m: Management, query: unknown): Promise<unknown> {
  const range = rangeOf(query);
  const where = new Where()
    .range(range)
    .equal('api_key', apiKeyOf(query))
    .equal('request_id', queryText(query, 'request_id'))
    .equal('user_id', queryText(query, 'user_id'));
  const summarize = queryText(query, 'summarize') !== 'false';
  if (range !== undefined && summarize) return dailySummary(m, where, range);
  const limit = queryInt(query, 'limit', LOG_ROWS, MAX_LOG_ROWS);
  const rows = await m.accounts.db.query(
    `SELECT * FROM tg_spend_logs WHERE ${where.sql} ORDER BY start_time DESC LIMIT ${where.next(limit)}`,
    where.params,
  );
  return rows.map(litellmRow);
}

/**
 * LiteLLM's summary of a date range: one entry a day (`startTime` the date) with the day's spend, its
 * spend per user and per model, and per key under the key's token; days without spend up to `end_date`
 * follow with zero.
 */
async function dailySummary(m: Management, where: Where, range: Range): Promise<JsonObject[]> {
  const rows = await m.accounts.db.query<{
    day: string;
    api_key: string;
    user_id: string | null;
    model: string;
    spend: number;
  }>(
    `SELECT SUBSTR(start_time, 1, 10) AS day, api_key, user_id, model, SUM(spend) AS spend
     FROM tg_spend_logs WHERE ${where.sql}
     GROUP BY SUBSTR(start_time, 1, 10), api_key, user_id, model ORDER BY day LIMIT 100000`,
    where.params,
  );
  const days = new Map<
    string,
    JsonObject & { spend: number; users: Record<string, number>; models: Record<string, number> }
  >();
  for (const row of rows) {
    const spend = Number(row.spend);
    let day = days.get(row.day);
    if (day === undefined) {
      day = { startTime: row.day, spend: 0, users: {}, models: {} };
      days.set(row.day, day);
    }
    day.spend += spend;
    day[row.api_key] = Number(day[row.api_key] ?? 0) + spend;
    const user = row.user_id ?? '';
    day.users[user] = (day.users[user] ?? 0) + spend;
    day.models[row.model] = (day.models[row.model] ?? 0) + spend;
  }
  const out: JsonObject[] = [...days.values()];
  const last = rows.at(-1)?.day;
  const end = range.until.slice(0, 10);
  if (last !== undefined)
    for (let day = dayAfter(last); day < end; day = dayAfter(day))
      out.push({ startTime: day, spend: 0, users: {}, models: {} });
  return out;
}

const SORTS: Record<string, string> = {
  spend: 'spend',
  total_tokens: 'total_tokens',
  startTime: 'start_time',
  endTime: 'end_time',
};

/** `/spend/logs/v2`: a page of rows in a date range (required), with LiteLLM's filters and sorts. */
async function spendLogsPage(m: Management, query: unknown): Promise<JsonObject> {
  const range = rangeOf(query);
  if (range === undefined) throw invalid('start_date, end_date: both are required');
  const sortBy = queryText(query, 'sort_by') ?? 'startTime';
  const column = SORTS[sortBy];
  if (column === undefined) throw invalid(`sort_by: one of ${Object.keys(SORTS).join(', ')}`);
  const order = (queryText(query, 'sort_order') ?? 'desc').toLowerCase();
  if (order !== 'asc' && order !== 'desc') throw invalid('sort_order: asc or desc');
  const number = (name: string) => {
    const text = queryText(query, name);
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!Number.isFinite(n)) throw invalid(`${name}: must be a number`);
    return n;
  };
  const where = new Where()
    .range(range)
    .equal('api_key', apiKeyOf(query))
    .equal('user_id', queryText(query, 'user_id'))
    .equal('request_id', queryText(query, 'request_id'))
    .equal('team_id', queryText(query, 'team_id'))
    .equal('model', queryText(query, 'model'))
    .equal('model_id', queryText(query, 'model_id'))
    .equal('end_user', queryText(query, 'end_user'))
    .equal('key_alias', queryText(query, 'key_alias'))
    .equal('status', queryText(query, 'status_filter'));
  const min = number('min_spend');
  const max = number('max_spend');
  if (min !== undefined) where.add((p) => `spend >= ${p}`, min);
  if (max !== undefined) where.add((p) => `spend <= ${p}`, max);
  const page = queryInt(query, 'page', 1, 1_000_000);
  const size = queryInt(query, 'page_size', 50, 100);
  const { db } = m.accounts;
  const [count] = await db.query<{ n: number }>(
    `SELECT COUNT(*) AS n FROM tg_spend_logs WHERE ${where.sql}`,
    where.params,
  );
  const total = Number(count?.n ?? 0);
  const rows = await db.query(
    `SELECT * FROM tg_spend_logs WHERE ${where.sql} ORDER BY ${column} ${order.toUpperCase()}
     LIMIT ${where.next(size)} OFFSET ${where.next((page - 1) * size)}`,
    where.params,
  );
  return {
    data: rows.map(litellmRow),
    total,
    page,
    page_size: size,
    total_pages: Math.ceil(total / size),
  };
}

/** The last 30 days' spend, as LiteLLM's (its `max_budget` is litellm_settings' proxy-wide budget, unset here). */
async function globalSpend(m: Management): Promise<JsonObject> {
  const where = new Where().range(lastDays(30));
  const [row] = await m.accounts.db.query<{ spend: number | null }>(
    `SELECT SUM(spend) AS spend FROM tg_spend_logs WHERE ${where.sql}`,
    where.params,
  );
  return { spend: Number(row?.spend ?? 0), max_budget: 0 };
}

/** The keys that spent most in the last 30 days, with their alias and name. */
async function spendByKey(m: Management, query: unknown): Promise<JsonObject[]> {
  const limit = queryInt(query, 'limit', 100, 1000);
  const where = new Where().range(lastDays(30));
  const rows = await m.accounts.db.query<{ api_key: string; total_spend: number }>(
    `SELECT api_key, SUM(spend) AS total_spend FROM tg_spend_logs WHERE ${where.sql}
     GROUP BY api_key ORDER BY total_spend DESC LIMIT ${where.next(limit)}`,
    where.params,
  );
  const { tables, db } = m.accounts;
  return Promise.all(
    rows.map(async (row) => {
      const key = await tables.keys.get(db, row.api_key);
      return {
        api_key: row.api_key,
        total_spend: Number(row.total_spend),
        key_alias: (key?.key_alias as string | undefined) ?? null,
        key_name: (key?.key_name as string | undefined) ?? null,
      };
    }),
  );
}

/** The models that cost most in the last 30 days. */
async function spendByModel(m: Management, query: unknown): Promise<JsonObject[]> {
  const limit = queryInt(query, 'limit', 10, 1000);
  const where = new Where().range(lastDays(30));
  const rows = await m.accounts.db.query<{ model: string; total_spend: number; total_tokens: number }>(
    `SELECT model, SUM(spend) AS total_spend, SUM(total_tokens) AS total_tokens FROM tg_spend_logs
     WHERE ${where.sql} AND model != '' GROUP BY model ORDER BY total_spend DESC LIMIT ${where.next(limit)}`,
    where.params,
  );
  return rows.map((r) => ({
    model: r.model,
    total_spend: Number(r.total_spend),
    total_tokens: Number(r.total_tokens),
  }));
}

/** Daily spend per team (by alias) over the last 30 days, in the shape LiteLLM's admin UI charts. */
async function spendByTeam(m: Management): Promise<JsonObject> {
  const where = new Where().range(lastDays(30), 's.start_time');
  const rows = await m.accounts.db.query<{ team: string | null; day: string; total_spend: number }>(
    `SELECT COALESCE(t.team_alias, s.team_id) AS team, SUBSTR(s.start_time, 1, 10) AS day,
       SUM(s.spend) AS total_spend
     FROM tg_spend_logs s LEFT JOIN tg_teams t ON t.team_id = s.team_id
     WHERE ${where.sql}
     GROUP BY COALESCE(t.team_alias, s.team_id), SUBSTR(s.start_time, 1, 10) ORDER BY day LIMIT 100000`,
    where.params,
  );
  const byDay = new Map<string, JsonObject>();
  const totals = new Map<string, number>();
  for (const row of rows) {
    const team = row.team ?? 'Unassigned';
    const spend = Math.round(Number(row.total_spend) * 100) / 100;
    const day = byDay.get(row.day) ?? { date: row.day };
    day[team] = spend;
    byDay.set(row.day, day);
    totals.set(team, (totals.get(team) ?? 0) + spend);
  }
  const top = [...totals].sort((a, b) => b[1] - a[1]).slice(0, 10);
  return {
    daily_spend: [...byDay.values()],
    teams: [...totals.keys()],
    total_spend_per_team: top.map(([team_id, total_spend]) => ({ team_id, total_spend })),
  };
}

/** The 100 end users (the request's `user`) that spent most, optionally for one key; 30 days by default. */
async function spendByEndUser(m: Management, body: JsonObject): Promise<JsonObject[]> {
  const time = (name: string): string | undefined => {
    const value = body[name];
    if (value === undefined || value === null) return undefined;
    const date = typeof value === 'string' ? new Date(value) : undefined;
    if (date === undefined || Number.isNaN(date.getTime())) throw invalid(`${name}: must be a date`);
    return date.toISOString();
  };
  const fallback = lastDays(30);
  const range = { from: time('startTime') ?? fallback.from, until: time('endTime') ?? fallback.until };
  const key = typeof body.api_key === 'string' && body.api_key !== '' ? tokenOf(body.api_key) : undefined;
  const where = new Where().range(range).equal('api_key', key);
  const rows = await m.accounts.db.query<{
    end_user: string | null;
    total_count: number;
    total_spend: number;
  }>(
    `SELECT end_user, COUNT(*) AS total_count, SUM(spend) AS total_spend FROM tg_spend_logs
     WHERE ${where.sql} GROUP BY end_user ORDER BY total_spend DESC LIMIT 100`,
    where.params,
  );
  return rows.map((r) => ({
    end_user: r.end_user,
    total_count: Number(r.total_count),
    total_spend: Number(r.total_spend),
  }));
}
