/**
 * `tollgate --import_litellm_db`: a LiteLLM v1.81 database (its Prisma tables, made here with the
 * columns the import reads; the key table as an older LiteLLM had it, without `policies` and the
 * rotation columns) copied into the SQLite accounts file and into PostgreSQL by the real command; then
 * the real gateway serves LiteLLM's old key, with its spend and budget, its team and its user. A second
 * run writes nothing.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { call, chat, errorOf, MASTER } from './helpers/keys.ts';
import { type MockUpstream, startMockUpstream } from './helpers/mock-upstream.ts';
import { freshDatabase, postgresMissing } from './helpers/postgres.ts';
import { cleanEnv, runCli, startCli } from './helpers/process.ts';
import { tempDir } from './helpers/temp-dir.ts';

const KEY = 'sk-test-litellm-key';
const SPENT_KEY = 'sk-test-litellm-spent';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** The mock's 12 + 7 tokens at $0.001 and $0.002. */
const COST = 12 * 0.001 + 7 * 0.002;
/** Keys beyond the page size (500), so that the import reads several pages. */
const BULK_KEYS = 1200;

const TIME = 'TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP';
const LITELLM_DDL = [
  `CREATE TABLE "LiteLLM_BudgetTable" (budget_id TEXT PRIMARY KEY, max_budget DOUBLE PRECISION,
    soft_budget DOUBLE PRECISION, max_parallel_requests INTEGER, tpm_limit BIGINT, rpm_limit BIGINT,
    model_max_budget JSONB, budget_duration TEXT, budget_reset_at TIMESTAMP(3), created_at ${TIME},
    created_by TEXT NOT NULL, updated_at ${TIME}, updated_by TEXT NOT NULL)`,
  `CREATE TABLE "LiteLLM_OrganizationTable" (organization_id TEXT PRIMARY KEY, organization_alias TEXT NOT NULL,
    budget_id TEXT NOT NULL, metadata JSONB NOT NULL DEFAULT '{}', models TEXT[],
    spend DOUBLE PRECISION NOT NULL DEFAULT 0, model_spend JSONB NOT NULL DEFAULT '{}',
    created_at ${TIME}, created_by TEXT NOT NULL, updated_at ${TIME}, updated_by TEXT NOT NULL)`,
  `CREATE TABLE "LiteLLM_UserTable" (user_id TEXT PRIMARY KEY, user_alias TEXT, team_id TEXT,
    organization_id TEXT, password TEXT, teams TEXT[] DEFAULT '{}', user_role TEXT, max_budget DOUBLE PRECISION,
    spend DOUBLE PRECISION NOT NULL DEFAULT 0, user_email TEXT, models TEXT[],
    metadata JSONB NOT NULL DEFAULT '{}', tpm_limit BIGINT, rpm_limit BIGINT, budget_duration TEXT,
    budget_reset_at TIMESTAMP(3), model_spend JSONB DEFAULT '{}', created_at ${TIME}, updated_at ${TIME})`,
  `CREATE TABLE "LiteLLM_TeamTable" (team_id TEXT PRIMARY KEY, team_alias TEXT, organization_id TEXT,
    admins TEXT[], members TEXT[], members_with_roles JSONB NOT NULL DEFAULT '{}',
    metadata JSONB NOT NULL DEFAULT '{}', max_budget DOUBLE PRECISION, spend DOUBLE PRECISION NOT NULL DEFAULT 0,
    models TEXT[], tpm_limit BIGINT, rpm_limit BIGINT, budget_duration TEXT, budget_reset_at TIMESTAMP(3),
    blocked BOOLEAN NOT NULL DEFAULT false, created_at ${TIME}, updated_at ${TIME}, model_id INTEGER)`,
  `CREATE TABLE "LiteLLM_TeamMembership" (user_id TEXT, team_id TEXT, spend DOUBLE PRECISION NOT NULL DEFAULT 0,
    budget_id TEXT, PRIMARY KEY (user_id, team_id))`,
  `CREATE TABLE "LiteLLM_OrganizationMembership" (user_id TEXT, organization_id TEXT, user_role TEXT,
    spend DOUBLE PRECISION DEFAULT 0, budget_id TEXT, created_at ${TIME}, updated_at ${TIME},
    PRIMARY KEY (user_id, organization_id))`,
  `CREATE TABLE "LiteLLM_EndUserTable" (user_id TEXT PRIMARY KEY, alias TEXT,
    spend DOUBLE PRECISION NOT NULL DEFAULT 0, allowed_model_region TEXT, default_model TEXT, budget_id TEXT,
    blocked BOOLEAN NOT NULL DEFAULT false)`,
  `CREATE TABLE "LiteLLM_VerificationToken" (token TEXT PRIMARY KEY, key_name TEXT, key_alias TEXT,
    spend DOUBLE PRECISION NOT NULL DEFAULT 0, expires TIMESTAMP(3), models TEXT[],
    aliases JSONB NOT NULL DEFAULT '{}', config JSONB NOT NULL DEFAULT '{}', user_id TEXT, team_id TEXT,
    permissions JSONB NOT NULL DEFAULT '{}', max_parallel_requests INTEGER, metadata JSONB NOT NULL DEFAULT '{}',
    blocked BOOLEAN, tpm_limit BIGINT, rpm_limit BIGINT, max_budget DOUBLE PRECISION, budget_duration TEXT,
    budget_reset_at TIMESTAMP(3), model_spend JSONB NOT NULL DEFAULT '{}',
    model_max_budget JSONB NOT NULL DEFAULT '{}', budget_id TEXT, organization_id TEXT,
    created_at TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP, created_by TEXT,
    updated_at TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP, updated_by TEXT)`,
];

async function fillLitellm(url: string): Promise<void> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    for (const statement of LITELLM_DDL) await db.query(statement);
    await db.query(`INSERT INTO "LiteLLM_BudgetTable" (budget_id, max_budget, tpm_limit, budget_duration,
      budget_reset_at, created_by, updated_by) VALUES
      ('org-budget', 100, 100000, '30d', '2999-01-01 00:00:00', 'admin', 'admin'),
      ('member-budget', 5, NULL, NULL, NULL, 'admin', 'admin')`);
    await db.query(`INSERT INTO "LiteLLM_OrganizationTable" (organization_id, organization_alias, budget_id,
      models, spend, created_by, updated_by) VALUES ('org-1', 'Research', 'org-budget', '{}', 12.5, 'admin', 'admin')`);
    await db.query(`INSERT INTO "LiteLLM_UserTable" (user_id, user_email, user_role, password, teams, max_budget,
      spend, models, organization_id) VALUES
      ('ann', 'ann@example.com', 'internal_user', 'a-password-hash', '{team-1}', 50, 3.25, '{}', 'org-1'),
      ('bob', NULL, 'internal_user', NULL, '{team-1}', NULL, 0, '{}', NULL)`);
    await db.query(
      `INSERT INTO "LiteLLM_TeamTable" (team_id, team_alias, organization_id, admins, members,
      members_with_roles, spend, models) VALUES ('team-1', 'core', 'org-1', '{ann}', '{ann,bob}', $1, 7, '{}')`,
      [
        JSON.stringify([
          { role: 'admin', user_id: 'ann', user_email: 'ann@example.com' },
          { role: 'user', user_id: 'bob', user_email: null },
        ]),
      ],
    );
    // A team as LiteLLM's column defaults leave it: members_with_roles is `{}`.
    await db.query(`INSERT INTO "LiteLLM_TeamTable" (team_id, team_alias) VALUES ('team-2', 'empty')`);
    // ann has a membership row (a budget in the team); bob, as LiteLLM leaves most members, none.
    await db.query(`INSERT INTO "LiteLLM_TeamMembership" (user_id, team_id, spend, budget_id)
      VALUES ('ann', 'team-1', 1.5, 'member-budget')`);
    await db.query(`INSERT INTO "LiteLLM_OrganizationMembership" (user_id, organization_id, user_role, spend)
      VALUES ('ann', 'org-1', 'org_admin', 0)`);
    await db.query(
      `INSERT INTO "LiteLLM_EndUserTable" (user_id, alias, spend) VALUES ('customer-1', 'Acme', 0.75)`,
    );
    const key = `INSERT INTO "LiteLLM_VerificationToken" (token, key_name, key_alias, spend, max_budget, user_id,
      team_id, models, metadata, model_spend, expires) VALUES ($1, $2, $3, $4, $5, $6, $7, '{}', $8, $9, $10)`;
    await db.query(key, [
      sha256(KEY),
      'sk-...-key',
      'old-key',
      1.25,
      10,
      'ann',
      'team-1',
      { model_rpm_limit: { priced: 1000 } },
      { priced: 1.25 },
      null,
    ]);
    await db.query(key, [sha256(SPENT_KEY), 'sk-...pent', null, 2, 2, 'bob', null, {}, {}, null]);
    // A LiteLLM UI login's session key: LiteLLM's, not the team's.
    await db.query(key, [
      sha256('sk-ui-session'),
      'sk-...sion',
      null,
      0,
      null,
      'ann',
      'litellm-dashboard',
      {},
      {},
      '2000-01-01 00:00:00',
    ]);
    await db.query(
      `INSERT INTO "LiteLLM_VerificationToken" (token, key_name, spend, models)
       SELECT encode(sha256(('sk-bulk-' || i)::bytea), 'hex'), 'sk-...' || i, i * 0.01, '{}'
       FROM generate_series(1, ${BULK_KEYS}) AS i`,
    );
  } finally {
    await db.end();
  }
}

/** The counts of one table's line in the report: read, added, updated, unchanged, skipped. */
function counts(stdout: string, table: string): number[] {
  const line = stdout.split('\n').find((l) => l.trim().startsWith(`${table} `));
  assert.ok(line, `${table} in the report:\n${stdout}`);
  return line.trim().split(/\s+/).slice(1).map(Number);
}

/** Every row of Tollgate's account tables, to compare two runs. */
async function snapshot(target: { sqlite?: string; databaseUrl?: string }): Promise<string> {
  const tables = ['tg_keys', 'tg_users', 'tg_teams', 'tg_organizations', 'tg_end_users', 'tg_budgets'];
  const more = ['tg_team_members', 'tg_org_members', 'tg_model_spend'];
  const out: unknown[] = [];
  // Closed whatever happens: an open client would keep the test process from ever ending.
  if (target.sqlite !== undefined) {
    const db = new DatabaseSync(target.sqlite);
    try {
      for (const t of [...tables, ...more]) out.push(db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).all());
    } finally {
      db.close();
    }
  } else {
    const db = new pg.Client({ connectionString: target.databaseUrl });
    await db.connect();
    try {
      for (const t of [...tables, ...more])
        out.push((await db.query(`SELECT * FROM ${t} ORDER BY 1, 2`)).rows);
    } finally {
      await db.end();
    }
  }
  return JSON.stringify(out);
}

function importTests(
  label: string,
  target: (dir: string) => Promise<{ databaseUrl?: string }>,
  skip?: string,
) {
  describe(`tollgate --import_litellm_db into ${label}`, { skip }, () => {
    let litellmUrl: string;
    let upstream: MockUpstream;
    let dir: string;
    let env: NodeJS.ProcessEnv;
    let where: { sqlite?: string; databaseUrl?: string };
    let first: Awaited<ReturnType<typeof runCli>>;

    before(async () => {
      litellmUrl = await freshDatabase();
      await fillLitellm(litellmUrl);
      upstream = await startMockUpstream();
      dir = tempDir();
      const { databaseUrl } = await target(dir);
      // No DATABASE_URL: the accounts file goes beside the trace store the gateway would use.
      env = cleanEnv({
        TOLLGATE_TRACE_STORE: join(dir, 'traces.db'),
        ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      });
      where = databaseUrl ? { databaseUrl } : { sqlite: join(dir, 'accounts.db') };
      first = await runCli(['--import_litellm_db', litellmUrl], { cwd: dir, env });
    });
    after(async () => {
      await upstream?.close();
    });

    it('reports what it imported, per table, and what it skipped and why', () => {
      assert.equal(first.code, 0, first.stderr);
      assert.deepEqual(counts(first.stdout, 'LiteLLM_BudgetTable'), [2, 2, 0, 0, 0]);
      assert.deepEqual(counts(first.stdout, 'LiteLLM_OrganizationTable'), [1, 1, 0, 0, 0]);
      assert.deepEqual(counts(first.stdout, 'LiteLLM_UserTable'), [2, 2, 0, 0, 0]);
      assert.deepEqual(counts(first.stdout, 'LiteLLM_TeamTable'), [2, 2, 0, 0, 0]);
      assert.deepEqual(counts(first.stdout, 'LiteLLM_TeamMembership'), [1, 1, 0, 0, 0]);
      assert.deepEqual(counts(first.stdout, 'LiteLLM_OrganizationMembership'), [1, 1, 0, 0, 0]);
      assert.deepEqual(counts(first.stdout, 'LiteLLM_EndUserTable'), [1, 1, 0, 0, 0]);
      assert.deepEqual(counts(first.stdout, 'LiteLLM_VerificationToken'), [
        BULK_KEYS + 3,
        BULK_KEYS + 2,
        0,
        0,
        1,
      ]);
      assert.match(first.stdout, /1 team membership row\(s\) made for members listed/);
      assert.match(first.stdout, /LiteLLM_VerificationToken: 1 × a LiteLLM UI login session key/);
      assert.match(first.stdout, /LiteLLM_VerificationToken: .*policies/, 'columns an older LiteLLM lacks');
      for (const secret of [KEY, sha256(KEY), sha256(SPENT_KEY), 'a-password-hash'])
        assert.ok(!`${first.stdout}${first.stderr}`.includes(secret), 'no key, token or password printed');
    });

    it('running it again adds nothing and writes nothing', async () => {
      const before = await snapshot(where);
      const again = await runCli(['--import_litellm_db', litellmUrl], { cwd: dir, env });
      assert.equal(again.code, 0, again.stderr);
      assert.deepEqual(counts(again.stdout, 'LiteLLM_VerificationToken'), [
        BULK_KEYS + 3,
        0,
        0,
        BULK_KEYS + 2,
        1,
      ]);
      assert.deepEqual(counts(again.stdout, 'LiteLLM_TeamMembership'), [1, 0, 0, 1, 0]);
      assert.doesNotMatch(again.stdout, /team membership row\(s\) made/);
      assert.equal(await snapshot(where), before);
    });

    it('the gateway serves the old LiteLLM key with its spend, budget, team and user', async () => {
      const config = join(dir, 'config.yaml');
      writeFileSync(
        config,
        `model_list:\n  - model_name: priced\n    litellm_params: { model: openai/my-model, api_base: "${upstream.url}", api_key: sk-test-upstream }\n    model_info: { input_cost_per_token: 0.001, output_cost_per_token: 0.002 }\ngeneral_settings:\n  master_key: ${MASTER}\n`,
      );
      const gateway = await startCli(['--config', config], { cwd: dir, env });
      try {
        const info = await call(gateway.url, `/key/info?key=${KEY}`);
        assert.equal(info.status, 200, JSON.stringify(info.body));
        const key = info.body.info as Record<string, unknown>;
        assert.equal(key.key_alias, 'old-key');
        assert.equal(key.spend, 1.25);
        assert.equal(key.max_budget, 10);
        assert.deepEqual(key.model_spend, { priced: 1.25 });
        assert.deepEqual(key.model_rpm_limit, { priced: 1000 }, "lifted out of LiteLLM's metadata");

        const team = await call(gateway.url, '/team/info?team_id=team-1');
        assert.equal(team.status, 200, JSON.stringify(team.body));
        const teamInfo = team.body.team_info as Record<string, unknown>;
        assert.equal(teamInfo.team_alias, 'core');
        assert.equal(teamInfo.organization_id, 'org-1');
        const members = team.body.team_memberships as Array<Record<string, unknown>>;
        const ann = members.find((m) => m.user_id === 'ann');
        assert.equal(ann?.spend, 1.5);
        assert.equal((ann?.litellm_budget_table as Record<string, unknown> | undefined)?.max_budget, 5);
        assert.ok(
          members.some((m) => m.user_id === 'bob'),
          'a member LiteLLM kept no row for',
        );

        const empty = await call(gateway.url, '/team/info?team_id=team-2');
        assert.equal(empty.status, 200, JSON.stringify(empty.body));
        assert.deepEqual((empty.body.team_info as Record<string, unknown>).members_with_roles, []);

        const user = await call(gateway.url, '/user/info?user_id=ann');
        assert.equal(user.status, 200, JSON.stringify(user.body));
        const userInfo = user.body.user_info as Record<string, unknown>;
        assert.equal(userInfo.user_email, 'ann@example.com');
        assert.equal(userInfo.password, undefined);
        assert.ok((user.body.keys as Array<Record<string, unknown>>).some((k) => k.token === sha256(KEY)));

        const org = await call(gateway.url, '/organization/info?organization_id=org-1');
        assert.equal(org.status, 200, JSON.stringify(org.body));
        assert.equal(org.body.spend, 12.5);
        assert.equal((org.body.litellm_budget_table as Record<string, unknown>).max_budget, 100);

        const customer = await call(gateway.url, '/customer/info?end_user_id=customer-1');
        assert.equal(customer.body.spend, 0.75);

        const answer = await chat(gateway.url, KEY, 'priced');
        assert.equal(answer.status, 200, JSON.stringify(answer.body));
        assert.equal(Number(answer.headers.get('x-litellm-key-spend')), 1.25);

        const spent = await chat(gateway.url, SPENT_KEY, 'priced');
        assert.equal(spent.status, 400);
        assert.equal(errorOf(spent).type, 'budget_exceeded');

        const session = await chat(gateway.url, 'sk-ui-session', 'priced');
        assert.equal(session.status, 401, "LiteLLM's UI session keys are not imported");

        // The request is charged on top of what LiteLLM had counted.
        await new Promise((r) => setTimeout(r, 200));
        const later = (await call(gateway.url, `/key/info?key=${KEY}`)).body.info as Record<string, unknown>;
        assert.ok(Math.abs(Number(later.spend) - (1.25 + COST)) < 1e-9, `spend ${later.spend}`);
      } finally {
        await gateway.stop();
      }
    });
  });
}

importTests('the SQLite accounts file', async () => ({}), postgresMissing);
importTests(
  'PostgreSQL (DATABASE_URL)',
  async () => ({ databaseUrl: await freshDatabase() }),
  postgresMissing,
);

describe('tollgate --import_litellm_db refusals', () => {
  it('refuses an in-memory accounts database, where the import would be lost', async () => {
    const done = await runCli(['--import_litellm_db', 'postgresql://u:secret@127.0.0.1:1/litellm']);
    assert.equal(done.code, 1);
    assert.match(done.stderr, /in memory/);
  });

  it('says why it cannot read the LiteLLM database, without its password', async () => {
    const dir = tempDir();
    const done = await runCli(['--import_litellm_db', 'postgresql://u:secret@127.0.0.1:1/litellm'], {
      cwd: dir,
      env: cleanEnv({ TOLLGATE_TRACE_STORE: join(dir, 'traces.db') }),
    });
    assert.equal(done.code, 1);
    assert.match(
      done.stderr,
      /could not read the LiteLLM database postgresql:\/\/u:\*\*\*@127\.0\.0\.1:1\/litellm/,
    );
    assert.ok(!done.stderr.includes('secret'));
  });
});
