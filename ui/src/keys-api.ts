/**
 * Virtual keys and spend, over LiteLLM's key-management API (`/key/*`, `/global/spend/*`, `/models`),
 * all behind the master key. The spend report's shape is read in one place, `readSpendReport`, so the
 * pages depend only on `SpendDay`.
 */
import { call, savedKey } from './api.ts';

/** A virtual key as `/key/list?return_full_object=true` and `/key/generate` answer it. */
export interface VirtualKey {
  /** The key's id: the sha256 of the key, in hex. */
  token: string;
  /** The key shortened for display, `sk-...abcd`. */
  key_name: string | null;
  key_alias: string | null;
  spend: number;
  max_budget: number | null;
  budget_duration: string | null;
  budget_reset_at: string | null;
  models: string[];
  blocked: boolean | null;
  expires: string | null;
  rpm_limit: number | null;
  tpm_limit: number | null;
  max_parallel_requests: number | null;
  user_id: string | null;
  team_id: string | null;
  created_at?: string | null;
}

/** What `/key/generate` answers: the key object and, once only, the full key. */
export interface GeneratedKey extends VirtualKey {
  key: string;
}

export interface NewKey {
  key_alias?: string;
  models?: string[];
  max_budget?: number;
  budget_duration?: string;
  rpm_limit?: number;
  tpm_limit?: number;
  max_parallel_requests?: number;
  duration?: string;
  user_id?: string;
  team_id?: string;
}

const post = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

export const keysApi = {
  list: () =>
    call<{ keys: VirtualKey[]; total_count: number }>('/key/list?return_full_object=true&page=1&size=100'),
  generate: (body: NewKey) => call<GeneratedKey>('/key/generate', post(body)),
  block: (token: string) => call<VirtualKey>('/key/block', post({ key: token })),
  unblock: (token: string) => call<VirtualKey>('/key/unblock', post({ key: token })),
  remove: (token: string) => call<{ deleted_keys: string[] }>('/key/delete', post({ keys: [token] })),
  /** The model groups a key may be limited to. */
  models: async () => (await call<{ data: Array<{ id: string }> }>('/models')).data.map((m) => m.id),
};

/**
 * The token (sha256 hex) of the master key this tab holds: requests made with it are charged to it.
 * Undefined where the page is not a secure context (`crypto.subtle` is missing on plain http).
 */
export async function masterToken(): Promise<string | undefined> {
  const key = savedKey();
  if (!key || !globalThis.crypto?.subtle) return undefined;
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** How a key reads in a list: its alias, else its shortened form, never the key itself. */
export function keyLabel(k: Pick<VirtualKey, 'key_alias' | 'key_name' | 'token'>): string {
  return k.key_alias || k.key_name || `${k.token.slice(0, 8)}…`;
}

export type SpendGroupBy = 'api_key' | 'user' | 'team' | 'model';

export interface SpendModel {
  model: string;
  spend: number;
  tokens: number;
}

export interface SpendGroup {
  /** What the report names the group by: a key's token or alias, a user or team id, a model. */
  name: string;
  spend: number;
  tokens: number;
  models: SpendModel[];
}

/** One day of the report (`YYYY-MM-DD`, UTC), or '' for a group the report gives for the whole range. */
export interface SpendDay {
  day: string;
  groups: SpendGroup[];
}

export async function spendReport(groupBy: SpendGroupBy, startDate: string, endDate: string) {
  const params = new URLSearchParams({ start_date: startDate, end_date: endDate, group_by: groupBy });
  return readSpendReport(await call<unknown>(`/global/spend/report?${params}`));
}

/** All-time spend of the top keys and models (LiteLLM's `/global/spend/keys` and `/models`). */
export const topSpend = {
  keys: (limit: number) =>
    call<Array<{ api_key: string; total_spend: number; key_alias: string | null; key_name: string | null }>>(
      `/global/spend/keys?limit=${limit}`,
    ),
  models: (limit: number) =>
    call<Array<{ model: string; total_spend: number }>>(`/global/spend/models?limit=${limit}`),
  /** Spend per request tag over the last 30 days, the most spent first. */
  tags: () => call<Array<{ individual_request_tag: string; total_spend: number }>>('/spend/tags'),
};

// The report's field names, in the order they are tried. LiteLLM names each grouping differently
// (`teams[].team_name`, `customers[].customer`; by key a flat `{api_key, total_cost, model_details}` per
// key for the whole range); adjust these lists, not the pages, when the API's shape changes.
const NAME_FIELDS = [
  'name',
  'api_key',
  'key_alias',
  'team_name',
  'team_alias',
  'team_id',
  'user_id',
  'user',
  'customer',
  'model',
];
const SPEND_FIELDS = ['total_spend', 'total_cost', 'spend'];
const MODEL_LIST_FIELDS = ['metadata', 'model_details', 'models'];
const TOKEN_FIELDS = ['total_tokens', 'tokens'];

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function first(o: Json, fields: string[]): unknown {
  for (const f of fields) if (o[f] !== undefined && o[f] !== null) return o[f];
  return undefined;
}

const number = (v: unknown): number => {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : 0;
};

function readGroup(o: Json): SpendGroup {
  const list = first(o, MODEL_LIST_FIELDS);
  const models = (Array.isArray(list) ? list : []).filter(isObject).map((m) => ({
    model: String(m.model ?? ''),
    spend: number(first(m, SPEND_FIELDS)),
    tokens: number(first(m, TOKEN_FIELDS)),
  }));
  const tokens = first(o, TOKEN_FIELDS);
  return {
    name: String(first(o, NAME_FIELDS) ?? '(none)'),
    spend: number(first(o, SPEND_FIELDS)),
    tokens: tokens === undefined ? models.reduce((t, m) => t + m.tokens, 0) : number(tokens),
    models,
  };
}

/**
 * The spend report as days of groups. A day is `{group_by_day, <groups>: [...]}` whatever the groups'
 * array is called; an entry without `group_by_day` is a group for the whole range.
 */
export function readSpendReport(body: unknown): SpendDay[] {
  if (!Array.isArray(body)) return [];
  const days = new Map<string, SpendGroup[]>();
  const add = (day: string, group: SpendGroup) => days.set(day, [...(days.get(day) ?? []), group]);
  for (const entry of body.filter(isObject)) {
    if (entry.group_by_day === undefined) {
      add('', readGroup(entry));
      continue;
    }
    const day = String(entry.group_by_day).slice(0, 10);
    const groups = Object.values(entry).find(Array.isArray) ?? [];
    for (const g of groups.filter(isObject)) add(day, readGroup(g));
    if (!days.has(day)) days.set(day, []);
  }
  return [...days].map(([day, groups]) => ({ day, groups })).sort((a, b) => a.day.localeCompare(b.day));
}

/** Per group over the whole range: spend, tokens and spend per model, most spent first. */
export function totalsOf(days: SpendDay[]): SpendGroup[] {
  const byName = new Map<string, SpendGroup>();
  for (const { groups } of days)
    for (const g of groups) {
      const t = byName.get(g.name) ?? { name: g.name, spend: 0, tokens: 0, models: [] };
      t.spend += g.spend;
      t.tokens += g.tokens;
      for (const m of g.models) {
        const tm = t.models.find((x) => x.model === m.model);
        if (tm) {
          tm.spend += m.spend;
          tm.tokens += m.tokens;
        } else t.models.push({ ...m });
      }
      byName.set(g.name, t);
    }
  return [...byName.values()].sort((a, b) => b.spend - a.spend);
}
