/**
 * Virtual keys and what they belong to (users, teams, organizations, budgets, end users), in the
 * accounts database: SQLite beside the trace store by default, PostgreSQL when `DATABASE_URL` is set.
 * A key's lookup is cached in memory; any change to an account anywhere drops every cached copy: SQLite
 * processes sharing the file compare a version number bumped with each change, PostgreSQL replicas hear
 * NOTIFY.
 */
import type { Entity } from './entity-table.ts';
import { PendingSpend } from './pending-spend.ts';
import { SpendCache } from './spend-cache.ts';
import type { SqlDb } from './sql/db.ts';
import { migrate } from './sql/migrations.ts';
import { PostgresDb } from './sql/postgres.ts';
import { SqliteDb } from './sql/sqlite.ts';
import { TABLES } from './tables.ts';

/** A virtual key with what it belongs to, as the request path checks it. */
export interface Principal {
  token: string;
  key: Entity;
  user?: Entity;
  team?: Entity;
  /** The key's user's membership of the key's team (its budget and spend in that team). */
  member?: Entity;
  org?: Entity;
  /** The budget a key, or the key's organization, is linked to (`budget_id`). */
  keyBudget?: Entity;
  orgBudget?: Entity;
}

const CHANNEL = 'tollgate_accounts';
/** Cached lookups at most; past it the cache starts over (a flood of made-up keys cannot grow it). */
const CACHE_MAX = 10_000;
/** How often an SQLite process looks for changes other processes made to accounts. */
const VERSION_CHECK_MS = 50;

export interface OpenAccounts {
  /** PostgreSQL's URL (`DATABASE_URL`, `general_settings.database_url`); SQLite when unset. */
  databaseUrl?: string;
  /** The SQLite file (`:memory:` for none). */
  sqlitePath: string;
  warn: (message: string, err?: unknown) => void;
}

export class Accounts {
  readonly db: SqlDb;
  readonly tables = TABLES;
  /** Charges this process has made and not yet written (budget checks add them). */
  readonly pending = new PendingSpend();
  /** Holders' written spend as budget checks read it (spend-cache.ts). */
  readonly spendCache = new SpendCache();
  readonly #cache = new Map<string, Principal>();
  #version = -1;
  /** SQLite: looks for other processes' changes every VERSION_CHECK_MS while lookups are cached. */
  #watching: NodeJS.Timeout | undefined;
  /** Said once until it can be read again, not every VERSION_CHECK_MS. */
  #versionUnreadable = false;
  readonly #warn: OpenAccounts['warn'];

  private constructor(db: SqlDb, warn: OpenAccounts['warn']) {
    this.db = db;
    this.#warn = warn;
  }

  static async open(options: OpenAccounts): Promise<Accounts> {
    const db = options.databaseUrl
      ? new PostgresDb(options.databaseUrl, (err) =>
          options.warn('the accounts database connection failed', err),
        )
      : new SqliteDb(options.sqlitePath);
    try {
      await migrate(db);
    } catch (err) {
      await db.close().catch(() => {});
      throw err;
    }
    const accounts = new Accounts(db, options.warn);
    await accounts.#checkVersion();
    if (db instanceof PostgresDb)
      await db.listen(
        CHANNEL,
        () => accounts.#clearCaches(),
        (err) => options.warn('lost the accounts database notifications; reconnecting', err),
      );
    return accounts;
  }

  get engine(): SqlDb['engine'] {
    return this.db.engine;
  }

  /** The key whose sha256 is `token`, with its user, team and organization; undefined when unknown. */
  async principal(token: string): Promise<Principal | undefined> {
    const cached = this.#cache.get(token);
    if (cached !== undefined) return cached;
    const principal = await this.#load(token);
    if (principal === undefined) return undefined;
    if (this.#cache.size >= CACHE_MAX) this.#cache.clear();
    this.#cache.set(token, principal);
    this.#watch();
    return principal;
  }

  /** The cached lookup of a key, if there is one (no database read: for what may go without one). */
  cached(token: string): Principal | undefined {
    return this.#cache.get(token);
  }

  /** To be called after every change to an account: every process's cached lookups are dropped. */
  async changed(): Promise<void> {
    this.#clearCaches();
    if (this.db instanceof PostgresDb) {
      await this.db
        .notify(CHANNEL, '*')
        .catch((err) => this.#warn('could not announce an account change', err));
    } else {
      await this.db.run("UPDATE tg_meta SET value = value + 1 WHERE name = 'accounts_version'");
      // Our own change: no need to drop the caches again when the next check sees it.
      await this.#checkVersion();
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#watching);
    this.#watching = undefined;
    await this.db.close();
  }

  /**
   * SQLite has no NOTIFY: a change made by another process is found by the version it bumps, read on a
   * timer (never on the request path, where a read cost more than the rest of a key's lookup), so a
   * cached lookup is at most VERSION_CHECK_MS old. Only while there are cached lookups to drop.
   */
  #watch(): void {
    if (this.db.engine !== 'sqlite' || this.#watching !== undefined) return;
    this.#watching = setInterval(() => {
      if (this.#cache.size === 0) {
        clearInterval(this.#watching);
        this.#watching = undefined;
        return;
      }
      this.#checkVersion().then(
        () => {
          this.#versionUnreadable = false;
        },
        (err: unknown) => {
          // Unsure what changed: keys are looked up again (and refused while the file cannot be read).
          this.#clearCaches();
          if (!this.#versionUnreadable) this.#warn('could not read the accounts version', err);
          this.#versionUnreadable = true;
        },
      );
    }, VERSION_CHECK_MS).unref();
  }

  async #checkVersion(): Promise<void> {
    if (this.db.engine !== 'sqlite') return;
    const rows = await this.db.query<{ value: number }>(
      "SELECT value FROM tg_meta WHERE name = 'accounts_version'",
    );
    const version = Number(rows[0]?.value ?? 0);
    if (version !== this.#version) {
      this.#clearCaches();
      this.#version = version;
    }
  }

  #clearCaches(): void {
    this.#cache.clear();
    this.spendCache.clear();
  }

  async #load(token: string): Promise<Principal | undefined> {
    const { db } = this;
    const key = await TABLES.keys.get(db, token);
    if (key === undefined) return undefined;
    const id = (field: string) => (typeof key[field] === 'string' ? (key[field] as string) : undefined);
    const userId = id('user_id');
    const teamId = id('team_id');
    const [user, team, keyBudget] = await Promise.all([
      userId ? TABLES.users.get(db, userId) : undefined,
      teamId ? TABLES.teams.get(db, teamId) : undefined,
      id('budget_id') ? TABLES.budgets.get(db, id('budget_id') as string) : undefined,
    ]);
    const orgId =
      id('organization_id') ?? (typeof team?.organization_id === 'string' ? team.organization_id : undefined);
    const org = orgId ? await TABLES.organizations.get(db, orgId) : undefined;
    const orgBudget =
      typeof org?.budget_id === 'string' ? await TABLES.budgets.get(db, org.budget_id) : undefined;
    const member = userId && teamId ? await TABLES.teamMembers.get(db, teamId, userId) : undefined;
    return { token, key, user, team, member, org, keyBudget, orgBudget };
  }
}
