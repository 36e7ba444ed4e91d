/**
 * Moves a LiteLLM proxy's accounts into Tollgate's accounts database for good: budgets, organizations,
 * users, teams, memberships, end users and virtual keys, with their spend. Keys are stored by the same
 * sha256 token LiteLLM stores, so every key LiteLLM handed out keeps working unchanged.
 *
 * Tables are read in the order their links need (a budget before what links to it, a team before its
 * members), a page at a time, each page written in one transaction. The import adds and overwrites by
 * id and deletes nothing: run again, it writes only what changed in LiteLLM since.
 */
import type { JsonObject } from '../../shared/json.ts';
import type { Accounts } from '../accounts.ts';
import type { Entity, EntityTable } from '../entity-table.ts';
import type { TableName } from '../tables.ts';
import {
  budgetEntity,
  type Converted,
  endUserEntity,
  keyEntity,
  keyLabel,
  type Lookups,
  organizationEntity,
  orgMemberEntity,
  plainMember,
  teamEntity,
  teamMemberEntity,
  userEntity,
} from './convert.ts';
import { LitellmSource, type SourceRow } from './litellm-source.ts';
import { LITELLM_TABLES, type LitellmTable } from './litellm-tables.ts';
import { type Imported, writePage } from './page-writer.ts';

export interface TableReport {
  /** LiteLLM's table. */
  from: string;
  /** Tollgate's table, as `Accounts.tables` names it. */
  into: TableName;
  /** False when LiteLLM's database has no such table (an older version): nothing was read. */
  found: boolean;
  /** Columns the import reads that this LiteLLM's table lacks: those fields are not carried over. */
  missingColumns: string[];
  read: number;
  added: number;
  updated: number;
  unchanged: number;
  skipped: number;
}

export interface SkipReport {
  from: string;
  reason: string;
  count: number;
  /** A few of the rows skipped, by id (keys by alias or `sk-...abcd`, never by their token). */
  examples: string[];
}

export interface ImportReport {
  /** The LiteLLM database, its password masked. */
  source: string;
  tables: TableReport[];
  skipped: SkipReport[];
  /** Membership rows made for team members LiteLLM lists in `members_with_roles` without one. */
  membersFromTeams: number;
  /** Rows in LiteLLM_ProxyModelTable (models added at run time), which are not imported. */
  modelsNotImported: number;
}

export interface ImportOptions {
  pageSize?: number;
  /** Called after each page, for a progress line. */
  progress?: (table: string, read: number) => void;
}

type Convert = (row: SourceRow, lookups: Lookups) => Converted | Promise<Converted>;

/** What is imported, in the order links need. */
const STEPS: ReadonlyArray<{
  from: LitellmTable;
  into: TableName;
  convert: Convert;
  label?: (row: SourceRow) => string;
}> = [
  { from: LITELLM_TABLES.budgets, into: 'budgets', convert: budgetEntity },
  { from: LITELLM_TABLES.organizations, into: 'organizations', convert: organizationEntity },
  { from: LITELLM_TABLES.users, into: 'users', convert: userEntity },
  { from: LITELLM_TABLES.teams, into: 'teams', convert: teamEntity },
  { from: LITELLM_TABLES.teamMembers, into: 'teamMembers', convert: teamMemberEntity },
  { from: LITELLM_TABLES.orgMembers, into: 'orgMembers', convert: orgMemberEntity },
  { from: LITELLM_TABLES.endUsers, into: 'endUsers', convert: endUserEntity },
  { from: LITELLM_TABLES.keys, into: 'keys', convert: keyEntity, label: keyLabel },
];

const MAX_EXAMPLES = 3;
/** Lookups cached at most; past it the cache starts over (an import of every org member's budget). */
const CACHE_MAX = 10_000;

export async function importLitellm(
  accounts: Accounts,
  url: string,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const source = await LitellmSource.open(url);
  try {
    const run = new ImportRun(accounts, source, options.pageSize ?? 500, options.progress);
    return await run.all();
  } finally {
    await source.close();
  }
}

class ImportRun {
  readonly #accounts: Accounts;
  readonly #source: LitellmSource;
  readonly #pageSize: number;
  readonly #progress: ImportOptions['progress'];
  readonly #now = new Date().toISOString();
  readonly #skips = new Map<string, SkipReport>();
  readonly #modelAliases = new Map<number, JsonObject>();
  readonly #cache = new Map<string, Entity | undefined>();
  /** Every (team, user) LiteLLM's teams list as members: each gets a membership row if it has none. */
  readonly #teamMembers: Array<[string, string]> = [];

  constructor(
    accounts: Accounts,
    source: LitellmSource,
    pageSize: number,
    progress: ImportOptions['progress'],
  ) {
    this.#accounts = accounts;
    this.#source = source;
    this.#pageSize = pageSize;
    this.#progress = progress;
  }

  async all(): Promise<ImportReport> {
    await this.#loadModelAliases();
    const tables: TableReport[] = [];
    for (const step of STEPS) tables.push(await this.#step(step));
    const membersFromTeams = await this.#plainMembers();
    const models = LITELLM_TABLES.models;
    const modelsNotImported = (await this.#source.columns(models)) ? await this.#source.count(models) : 0;
    await this.#accounts.changed();
    return {
      source: this.#source.url.shown,
      tables,
      skipped: [...this.#skips.values()],
      membersFromTeams,
      modelsNotImported,
    };
  }

  async #step(step: (typeof STEPS)[number]): Promise<TableReport> {
    const report: TableReport = {
      from: step.from.name,
      into: step.into,
      found: false,
      missingColumns: [],
      read: 0,
      added: 0,
      updated: 0,
      unchanged: 0,
      skipped: 0,
    };
    const columns = await this.#source.columns(step.from);
    if (columns === undefined) return report;
    report.found = true;
    report.missingColumns = step.from.columns.filter((c) => !columns.includes(c));
    const table = this.#accounts.tables[step.into];
    const lookups = this.#lookups();
    for await (const rows of this.#source.pages(step.from, columns, this.#pageSize)) {
      const page: Imported[] = [];
      for (const row of rows) {
        const converted = await step.convert(row, lookups);
        if ('skip' in converted) {
          this.#skip(step.from.name, converted.skip, step.label ? step.label(row) : idText(step.from, row));
          report.skipped++;
        } else {
          page.push(converted);
          if (step.into === 'teams') this.#noteMembers(converted.entity);
        }
      }
      const written = await writePage(this.#accounts.db, table, page, this.#now);
      report.read += rows.length;
      report.added += written.added;
      report.updated += written.updated;
      report.unchanged += written.unchanged;
      // Rows just written may be looked up by the next tables' rows.
      this.#cache.clear();
      this.#progress?.(step.from.name, report.read);
    }
    return report;
  }

  #lookups(): Lookups {
    const { db, tables } = this.#accounts;
    const cached = async (kind: string, table: EntityTable, id: string) => {
      const key = `${kind}:${id}`;
      if (this.#cache.has(key)) return this.#cache.get(key);
      if (this.#cache.size >= CACHE_MAX) this.#cache.clear();
      const entity = await table.get(db, id);
      this.#cache.set(key, entity);
      return entity;
    };
    return {
      budget: (id) => cached('budget', tables.budgets, id),
      team: (id) => cached('team', tables.teams, id),
      modelAliases: (id) => this.#modelAliases.get(id),
    };
  }

  /** LiteLLM_ModelTable: one row per team with aliases at most, read whole before the teams. */
  async #loadModelAliases(): Promise<void> {
    const table = LITELLM_TABLES.modelAliases;
    const columns = await this.#source.columns(table);
    if (!columns?.includes('model_aliases')) return;
    for await (const rows of this.#source.pages(table, columns, this.#pageSize))
      for (const row of rows)
        if (typeof row.id === 'number' && row.model_aliases && typeof row.model_aliases === 'object')
          this.#modelAliases.set(row.id, row.model_aliases as JsonObject);
  }

  #noteMembers(team: Entity): void {
    const members = Array.isArray(team.members_with_roles) ? team.members_with_roles : [];
    for (const member of members) {
      const userId = (member as { user_id?: unknown } | null)?.user_id;
      if (typeof userId === 'string' && userId !== '') this.#teamMembers.push([String(team.team_id), userId]);
    }
  }

  /**
   * Tollgate gives every team member a membership row (its spend in the team is known from the
   * start); LiteLLM makes one only for members with a budget or spend. The missing ones are added
   * after LiteLLM's own rows, so they never hide one.
   */
  async #plainMembers(): Promise<number> {
    const { db, tables } = this.#accounts;
    let added = 0;
    for (let i = 0; i < this.#teamMembers.length; i += this.#pageSize) {
      const slice = this.#teamMembers.slice(i, i + this.#pageSize);
      await db.transaction(async (tx) => {
        for (const [teamId, userId] of slice)
          if (await tables.teamMembers.insert(tx, plainMember(teamId, userId))) added++;
      });
    }
    return added;
  }

  #skip(from: string, reason: string, example: string): void {
    const key = `${from}\u0000${reason}`;
    const skip = this.#skips.get(key) ?? { from, reason, count: 0, examples: [] };
    skip.count++;
    if (skip.examples.length < MAX_EXAMPLES) skip.examples.push(example);
    this.#skips.set(key, skip);
  }
}

function idText(table: LitellmTable, row: SourceRow): string {
  return table.ids.map((id) => `${id}=${String(row[id])}`).join(', ');
}
