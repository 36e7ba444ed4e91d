/**
 * The accounts schema, as versioned migrations both engines run unchanged: only TEXT, INTEGER and
 * DOUBLE PRECISION columns, times as ISO-8601 UTC text (which sorts as time does). Each entity keeps the
 * columns queries filter or add to (ids, owners, spend, the next budget reset) and the rest of its
 * LiteLLM fields as one JSON document, so a new field needs no migration. Never edit a migration that
 * has shipped: append one.
 */
import type { SqlDb } from './db.ts';

const ENTITY = `spend DOUBLE PRECISION NOT NULL DEFAULT 0,
  budget_reset_at TEXT,
  data TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL`;

export const MIGRATIONS: ReadonlyArray<{ name: string; statements: string[] }> = [
  {
    name: 'accounts',
    statements: [
      `CREATE TABLE tg_keys (token TEXT PRIMARY KEY, key_alias TEXT, user_id TEXT, team_id TEXT,
        organization_id TEXT, budget_id TEXT, ${ENTITY})`,
      'CREATE INDEX tg_keys_user ON tg_keys (user_id)',
      'CREATE INDEX tg_keys_team ON tg_keys (team_id)',
      'CREATE INDEX tg_keys_alias ON tg_keys (key_alias)',
      `CREATE TABLE tg_users (user_id TEXT PRIMARY KEY, user_email TEXT, ${ENTITY})`,
      `CREATE TABLE tg_teams (team_id TEXT PRIMARY KEY, team_alias TEXT, organization_id TEXT, ${ENTITY})`,
      `CREATE TABLE tg_organizations (organization_id TEXT PRIMARY KEY, organization_alias TEXT,
        budget_id TEXT, ${ENTITY})`,
      `CREATE TABLE tg_end_users (user_id TEXT PRIMARY KEY, budget_id TEXT, ${ENTITY})`,
      `CREATE TABLE tg_budgets (budget_id TEXT PRIMARY KEY, ${ENTITY})`,
      `CREATE TABLE tg_team_members (team_id TEXT NOT NULL, user_id TEXT NOT NULL, ${ENTITY},
        PRIMARY KEY (team_id, user_id))`,
      'CREATE INDEX tg_team_members_user ON tg_team_members (user_id)',
      `CREATE TABLE tg_org_members (organization_id TEXT NOT NULL, user_id TEXT NOT NULL, ${ENTITY},
        PRIMARY KEY (organization_id, user_id))`,
      'CREATE INDEX tg_org_members_user ON tg_org_members (user_id)',
      // Spend per (entity, model): a key's `model_spend` and its `model_max_budget`.
      `CREATE TABLE tg_model_spend (kind TEXT NOT NULL, id TEXT NOT NULL, model TEXT NOT NULL,
        spend DOUBLE PRECISION NOT NULL DEFAULT 0, PRIMARY KEY (kind, id, model))`,
      `CREATE TABLE tg_models (model_id TEXT PRIMARY KEY, model_name TEXT NOT NULL, data TEXT NOT NULL,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL)`,
      // LiteLLM_SpendLogs, one row per request. `request_id` is the answer's id (`chatcmpl-…`, as LiteLLM
      // logs it), which an upstream may repeat; `call_id` is the gateway's own. Neither is a key: rows are
      // appended in rowid order, and an index on a random id would cost every insert a random B-tree walk.
      `CREATE TABLE tg_spend_logs (
        call_id TEXT NOT NULL,
        request_id TEXT NOT NULL,
        call_type TEXT NOT NULL,
        api_key TEXT NOT NULL,
        key_alias TEXT,
        spend DOUBLE PRECISION NOT NULL,
        total_tokens INTEGER NOT NULL,
        prompt_tokens INTEGER NOT NULL,
        completion_tokens INTEGER NOT NULL,
        start_time TEXT NOT NULL,
        end_time TEXT NOT NULL,
        completion_start_time TEXT,
        model TEXT NOT NULL,
        model_id TEXT,
        model_group TEXT,
        custom_llm_provider TEXT,
        api_base TEXT,
        user_id TEXT,
        team_id TEXT,
        organization_id TEXT,
        end_user TEXT,
        requester_ip_address TEXT,
        status TEXT NOT NULL,
        cache_hit TEXT,
        request_tags TEXT,
        session_id TEXT,
        metadata TEXT NOT NULL
      )`,
      'CREATE INDEX tg_spend_logs_time ON tg_spend_logs (start_time)',
      'CREATE INDEX tg_spend_logs_request ON tg_spend_logs (request_id)',
      'CREATE INDEX tg_spend_logs_key ON tg_spend_logs (api_key, start_time)',
      // No index by user or team: each costs every request's insert, and those reports come with a time
      // range, which the time index narrows first.
      // Requests and tokens per scope and minute, for rpm/tpm limits shared by replicas.
      `CREATE TABLE tg_limit_windows (scope TEXT NOT NULL, window_start INTEGER NOT NULL,
        requests INTEGER NOT NULL DEFAULT 0, tokens INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (scope, window_start))`,
      // Bumped on every change to keys, users, teams, … : SQLite processes sharing the file compare it
      // to drop their cached copies (PostgreSQL replicas hear NOTIFY instead).
      'CREATE TABLE tg_meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL)',
      "INSERT INTO tg_meta (name, value) VALUES ('accounts_version', 0)",
    ],
  },
  {
    name: 'parallel_slots',
    statements: [
      // Requests in flight per scope and process, for max_parallel_requests shared by processes
      // (accounts/parallel-slots.ts). `beat_at`: ms since 1970, which overflows a 32-bit INTEGER.
      `CREATE TABLE tg_parallel_slots (scope TEXT NOT NULL, owner TEXT NOT NULL, n INTEGER NOT NULL,
        beat_at DOUBLE PRECISION NOT NULL, PRIMARY KEY (scope, owner))`,
    ],
  },
];

/** Brings the schema up to date; replicas starting at once take turns (a lock, then a re-read). */
export async function migrate(db: SqlDb): Promise<void> {
  await db.transaction(async (tx) => {
    // SQLite's BEGIN IMMEDIATE already holds the write lock; PostgreSQL needs one taken by hand.
    if (tx.engine === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(7411018)');
    await tx.run(
      'CREATE TABLE IF NOT EXISTS tg_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    const rows = await tx.query<{ version: number | null }>(
      'SELECT MAX(version) AS version FROM tg_migrations',
    );
    const current = Number(rows[0]?.version ?? 0);
    if (current > MIGRATIONS.length)
      throw new Error(
        `the accounts database is at schema version ${current}, newer than this Tollgate knows (${MIGRATIONS.length}); upgrade Tollgate`,
      );
    for (let version = current + 1; version <= MIGRATIONS.length; version++) {
      const migration = MIGRATIONS[version - 1];
      if (migration === undefined) break;
      for (const statement of migration.statements) await tx.run(statement);
      await tx.run('INSERT INTO tg_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        version,
        migration.name,
        new Date().toISOString(),
      ]);
    }
  });
}
