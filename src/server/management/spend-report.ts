/**
 * `GET /global/spend/report`: spend between `start_date` and `end_date` (both required, the end day
 * included), in LiteLLM's shapes:
 *
 * - `group_by=team` (the default), `customer`, and Tollgate's `user` and `model` (the model group the
 *   client named; `metadata`'s `model` is the model that answered): one entry a day,
 *   `{group_by_day, teams|customers|users|models: [{team_name|customer|user_id|model, total_spend,
 *   metadata: [{model, api_key, spend, total_tokens}]}]}`, days in order, groups by spend.
 * - `group_by=api_key`, or any `api_key` / `internal_user_id` filter (as LiteLLM answers them): one entry
 *   a key, `{api_key, key_alias, total_cost, total_input_tokens, total_output_tokens, model_details:
 *   [{model, total_cost, total_input_tokens, total_output_tokens}]}`, by cost.
 *
 * `team_id` and `customer_id` narrow any grouping. The range is at most a year and the grouped rows are
 * bounded; a range with more (day, group, model, key) combinations than that is refused, not cut.
 */
import type { FastifyInstance } from 'fastify';
import { tokenOf } from '../../accounts/key-text.ts';
import type { JsonObject } from '../../shared/json.ts';
import type { Management } from './context.ts';
import { badInput, invalid, queryText } from './fields.ts';
import { rangeOf, Where } from './spend-query.ts';

/** Grouped rows a report may add up; past this the range must be narrowed. */
const MAX_ROWS = 50_000;

/** The daily groupings: the list's name in each day, the group's field and its SQL. */
const DAILY = {
  team: { list: 'teams', field: 'team_name', sql: 's.team_id', label: 'Unassigned Team' },
  customer: { list: 'customers', field: 'customer', sql: 's.end_user', label: null },
  user: { list: 'users', field: 'user_id', sql: 's.user_id', label: null },
  model: { list: 'models', field: 'model', sql: 's.model_group', label: null },
} as const;

export type SpendReportGroup = keyof typeof DAILY | 'api_key';

export function registerSpendReport(app: FastifyInstance, m: Management): void {
  app.get('/global/spend/report', async (request) => spendReport(m, request.query));
}

async function spendReport(m: Management, query: unknown): Promise<JsonObject[]> {
  const range = rangeOf(query);
  if (range === undefined) throw badInput('Please provide start_date and end_date');
  const group = queryText(query, 'group_by') ?? 'team';
  if (group !== 'api_key' && !(group in DAILY))
    throw invalid(`group_by: one of team, customer, api_key, user, model; got "${group.slice(0, 40)}"`);
  const apiKey = queryText(query, 'api_key');
  const userId = queryText(query, 'internal_user_id');
  const where = new Where()
    .range(range, 's.start_time')
    .equal('s.api_key', apiKey === undefined ? undefined : tokenOf(apiKey))
    .equal('s.user_id', userId)
    .equal('s.team_id', queryText(query, 'team_id'))
    .equal('s.end_user', queryText(query, 'customer_id'));
  if (group === 'api_key' || apiKey !== undefined || userId !== undefined) return byKey(m, where);
  return daily(m, where, DAILY[group as keyof typeof DAILY]);
}

type DailyRow = {
  day: string;
  grp: string | null;
  team_alias: string | null;
  model: string;
  api_key: string;
  spend: number;
  tokens: number;
};

async function daily(
  m: Management,
  where: Where,
  spec: (typeof DAILY)[keyof typeof DAILY],
): Promise<JsonObject[]> {
  const team = spec.list === 'teams';
  const rows = await m.accounts.db.query<DailyRow>(
    `SELECT SUBSTR(s.start_time, 1, 10) AS day, ${spec.sql} AS grp, ${team ? 't.team_alias' : 'NULL'} AS team_alias,
       s.model, s.api_key, SUM(s.spend) AS spend, SUM(s.total_tokens) AS tokens
     FROM tg_spend_logs s ${team ? 'LEFT JOIN tg_teams t ON t.team_id = s.team_id' : ''}
     WHERE ${where.sql}
     GROUP BY SUBSTR(s.start_time, 1, 10), ${spec.sql}, ${team ? 't.team_alias, ' : ''}s.model, s.api_key
     ORDER BY day LIMIT ${where.next(MAX_ROWS + 1)}`,
    where.params,
  );
  tooMany(rows.length);
  const days = new Map<string, Map<string, JsonObject & { total_spend: number; metadata: JsonObject[] }>>();
  for (const row of rows) {
    const spend = Number(row.spend);
    const groups = days.get(row.day) ?? new Map();
    days.set(row.day, groups);
    const id = row.grp ?? '';
    let entry = groups.get(id);
    if (entry === undefined) {
      entry = {
        [spec.field]: team ? (row.team_alias ?? row.grp ?? spec.label) : row.grp,
        total_spend: 0,
        metadata: [],
      };
      // Teams are named by alias, as LiteLLM's; the id tells apart two teams with one alias, or none.
      if (team) entry.team_id = row.grp;
      groups.set(id, entry);
    }
    entry.total_spend += spend;
    entry.metadata.push({ model: row.model, api_key: row.api_key, spend, total_tokens: Number(row.tokens) });
  }
  return [...days].map(([day, groups]) => ({
    group_by_day: `${day}T00:00:00+00:00`,
    [spec.list]: [...groups.values()].sort((a, b) => b.total_spend - a.total_spend),
  }));
}

type KeyRow = {
  api_key: string;
  model: string;
  cost: number;
  input: number;
  output: number;
};

async function byKey(m: Management, where: Where): Promise<JsonObject[]> {
  const rows = await m.accounts.db.query<KeyRow>(
    `SELECT s.api_key, s.model, SUM(s.spend) AS cost, SUM(s.prompt_tokens) AS input,
       SUM(s.completion_tokens) AS output
     FROM tg_spend_logs s WHERE ${where.sql} GROUP BY s.api_key, s.model
     LIMIT ${where.next(MAX_ROWS + 1)}`,
    where.params,
  );
  tooMany(rows.length);
  const keys = new Map<
    string,
    JsonObject & {
      total_cost: number;
      total_input_tokens: number;
      total_output_tokens: number;
      model_details: JsonObject[];
    }
  >();
  for (const row of rows) {
    const [cost, input, output] = [Number(row.cost), Number(row.input), Number(row.output)];
    let entry = keys.get(row.api_key);
    if (entry === undefined) {
      entry = {
        api_key: row.api_key,
        key_alias: null,
        total_cost: 0,
        total_input_tokens: 0,
        total_output_tokens: 0,
        model_details: [],
      };
      keys.set(row.api_key, entry);
    }
    entry.total_cost += cost;
    entry.total_input_tokens += input;
    entry.total_output_tokens += output;
    entry.model_details.push({
      model: row.model,
      total_cost: cost,
      total_input_tokens: input,
      total_output_tokens: output,
    });
  }
  const { tables, db } = m.accounts;
  const sorted = [...keys.values()].sort((a, b) => b.total_cost - a.total_cost);
  // Aliases for the first keys only: a report over thousands of keys does not look each one up.
  for (const entry of sorted.slice(0, 1000))
    entry.key_alias =
      ((await tables.keys.get(db, String(entry.api_key)))?.key_alias as string | undefined) ?? null;
  return sorted;
}

function tooMany(rows: number): void {
  if (rows > MAX_ROWS)
    throw badInput(
      `The report has more than ${MAX_ROWS} (day, group, model, key) rows: narrow start_date and end_date, or filter by team_id, customer_id or api_key.`,
    );
}
