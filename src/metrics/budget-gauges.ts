/**
 * LiteLLM's budget gauges for the keys, teams and users requests were made with: the remaining budget
 * (`max_budget` less spend; +Inf without a budget), the budget, and the hours until it resets. A finished
 * request marks its key, team and user; a scrape reads those marked since the last one fresh from the
 * accounts database (at most `MAX_READS_PER_SCRAPE` of them, so a scrape's work is bounded; the rest wait
 * for the next), and recomputes every gauge's hours from the reset time it last read.
 */

import { Gauge, type Registry } from 'prom-client';
import type { Accounts } from '../accounts/accounts.ts';
import { budgetField } from '../accounts/budgets.ts';
import type { Entity, EntityTable } from '../accounts/entity-table.ts';
import type { Caller } from '../gateway/record.ts';

/** Entities read per scrape at most. */
const MAX_READS_PER_SCRAPE = 500;
/** Entities of one kind followed at most; past it the longest unused is dropped (its gauges too). */
const MAX_TRACKED = 10_000;
const NONE = 'None';

type Kind = 'key' | 'team' | 'user';

interface Tracked {
  kind: Kind;
  id: string;
  labels: Record<string, string>;
  dirty: boolean;
  maxBudget?: number;
  spend: number;
  resetAt?: number;
}

interface KindGauges {
  remaining: Gauge<string>;
  max: Gauge<string>;
  hours: Gauge<string>;
}

export interface BudgetSource {
  accounts: Accounts;
  /** Writes spend still pending, so a scrape right after a request sees its cost. */
  flush(): Promise<void>;
}

export class BudgetGauges {
  readonly #source: BudgetSource;
  readonly #tracked: Record<Kind, Map<string, Tracked>> = {
    key: new Map(),
    team: new Map(),
    user: new Map(),
  };
  readonly #gauges: Record<Kind, KindGauges>;

  constructor(source: BudgetSource, registry: Registry) {
    this.#source = source;
    const gauges = (what: string, labelNames: string[], subject: string): KindGauges => ({
      remaining: new Gauge({
        name: `litellm_remaining_${what}_budget_metric`,
        help: `Remaining budget for ${subject}`,
        labelNames,
        registers: [registry],
      }),
      max: new Gauge({
        name: `litellm_${what}_max_budget_metric`,
        help: `Maximum budget set for ${subject}`,
        labelNames,
        registers: [registry],
      }),
      hours: new Gauge({
        name: `litellm_${what}_budget_remaining_hours_metric`,
        help: `Remaining hours for ${subject} budget to be reset`,
        labelNames,
        registers: [registry],
      }),
    });
    this.#gauges = {
      key: gauges('api_key', ['api_key_alias', 'hashed_api_key'], 'api key'),
      team: gauges('team', ['team', 'team_alias'], 'team'),
      user: gauges('user', ['user'], 'user'),
    };
  }

  /** A finished request's caller: its key, team and user are read at the next scrape. */
  touch(caller: Caller | undefined): void {
    if (caller === undefined) return;
    this.#mark('key', caller.token, () => ({
      api_key_alias: caller.keyAlias ?? NONE,
      hashed_api_key: caller.token,
    }));
    if (caller.teamId !== undefined)
      this.#mark('team', caller.teamId, () => ({
        team: caller.teamId ?? NONE,
        team_alias: caller.teamAlias ?? NONE,
      }));
    if (caller.userId !== undefined)
      this.#mark('user', caller.userId, () => ({ user: caller.userId ?? NONE }));
  }

  /** Before a scrape: reads what changed, then sets every gauge. */
  async refresh(now = Date.now()): Promise<void> {
    const dirty: Tracked[] = [];
    for (const map of Object.values(this.#tracked))
      for (const t of map.values()) if (t.dirty && dirty.length < MAX_READS_PER_SCRAPE) dirty.push(t);
    if (dirty.length > 0) {
      await this.#source.flush();
      for (const t of dirty) await this.#read(t).catch(() => {});
    }
    for (const [kind, map] of Object.entries(this.#tracked) as Array<[Kind, Map<string, Tracked>]>) {
      const g = this.#gauges[kind];
      for (const t of map.values()) {
        g.remaining.set(
          t.labels,
          t.maxBudget === undefined ? Number.POSITIVE_INFINITY : t.maxBudget - t.spend,
        );
        if (t.maxBudget !== undefined) g.max.set(t.labels, t.maxBudget);
        else g.max.remove(t.labels);
        if (t.resetAt !== undefined) g.hours.set(t.labels, (t.resetAt - now) / 3_600_000);
        else g.hours.remove(t.labels);
      }
    }
  }

  #mark(kind: Kind, id: string, labels: () => Record<string, string>): void {
    const map = this.#tracked[kind];
    const known = map.get(id);
    if (known !== undefined) {
      known.dirty = true;
      // Most recently used last, so the oldest is first to go.
      map.delete(id);
      map.set(id, known);
      return;
    }
    if (map.size >= MAX_TRACKED) {
      const oldest = map.values().next().value;
      if (oldest !== undefined) this.#forget(oldest);
    }
    map.set(id, { kind, id, labels: labels(), dirty: true, spend: 0 });
  }

  #forget(t: Tracked): void {
    this.#tracked[t.kind].delete(t.id);
    const g = this.#gauges[t.kind];
    g.remaining.remove(t.labels);
    g.max.remove(t.labels);
    g.hours.remove(t.labels);
  }

  async #read(t: Tracked): Promise<void> {
    const { accounts } = this.#source;
    const tables = accounts.tables;
    const table: EntityTable =
      t.kind === 'key' ? tables.keys : t.kind === 'team' ? tables.teams : tables.users;
    const entity = await table.get(accounts.db, t.id);
    t.dirty = false;
    if (entity === undefined) {
      this.#forget(t);
      return;
    }
    const budget =
      typeof entity.budget_id === 'string'
        ? await tables.budgets.get(accounts.db, entity.budget_id)
        : undefined;
    const max = budgetField({ entity, budget }, 'max_budget');
    t.maxBudget = typeof max === 'number' ? max : undefined;
    t.spend = Number(entity.spend ?? 0);
    const reset =
      typeof entity.budget_reset_at === 'string' ? Date.parse(entity.budget_reset_at) : Number.NaN;
    t.resetAt = Number.isNaN(reset) ? undefined : reset;
    this.#relabel(t, entity);
  }

  /** An alias may have changed since the request that marked it. */
  #relabel(t: Tracked, entity: Entity): void {
    const alias = t.kind === 'key' ? entity.key_alias : t.kind === 'team' ? entity.team_alias : undefined;
    const name = t.kind === 'key' ? 'api_key_alias' : 'team_alias';
    if (t.kind === 'user') return;
    const value = typeof alias === 'string' && alias !== '' ? alias : NONE;
    if (t.labels[name] === value) return;
    const g = this.#gauges[t.kind];
    g.remaining.remove(t.labels);
    g.max.remove(t.labels);
    g.hours.remove(t.labels);
    t.labels = { ...t.labels, [name]: value };
  }
}
