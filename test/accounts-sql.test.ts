/**
 * The accounts database layer (src/accounts/sql/) on both engines: the same cases against an SQLite
 * file and against a real PostgreSQL (test/helpers/postgres.ts), since every query is written once for
 * both. Then what only PostgreSQL has: several pools charging one row at once, and LISTEN/NOTIFY.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { SqlDb } from '../src/accounts/sql/db.ts';
import { MIGRATIONS, migrate } from '../src/accounts/sql/migrations.ts';
import { PostgresDb } from '../src/accounts/sql/postgres.ts';
import { SqliteDb } from '../src/accounts/sql/sqlite.ts';
import { freshDatabase, postgresMissing } from './helpers/postgres.ts';

const execFileAsync = promisify(execFile);
const SQLITE_MODULE = new URL('../src/accounts/sql/sqlite.ts', import.meta.url).href;
const MIGRATIONS_MODULE = new URL('../src/accounts/sql/migrations.ts', import.meta.url).href;

/** Errors a pool or listener reported out of band: each test ends with none. */
const reported: unknown[] = [];
const opened: SqlDb[] = [];
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  assert.deepEqual(reported.splice(0), []);
});

interface Engine {
  name: 'sqlite' | 'postgres';
  skip: string | undefined;
  /** A new empty database; the function it resolves to opens one more connection (pool) to it. */
  fresh(): Promise<() => SqlDb>;
  /** Replicas starting at once, each migrating the database `connect` opens. */
  migrateAtOnce(connect: () => SqlDb, replicas: number): Promise<void>;
}

const ENGINES: Engine[] = [
  {
    name: 'sqlite',
    skip: undefined,
    fresh: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tollgate-sql-'));
      dirs.push(dir);
      const path = join(dir, 'accounts.db');
      return Object.assign(() => track(new SqliteDb(path)), { path });
    },
    // Processes, as --num_workers runs them: in one process a second connection's BEGIN IMMEDIATE
    // would wait synchronously, blocking the event loop the first one needs to finish.
    migrateAtOnce: async (connect, replicas) => {
      const { path } = connect as typeof connect & { path: string };
      const script = `import { SqliteDb } from ${JSON.stringify(SQLITE_MODULE)};
        import { migrate } from ${JSON.stringify(MIGRATIONS_MODULE)};
        const db = new SqliteDb(process.argv[1]); await migrate(db); await db.close();`;
      await Promise.all(
        Array.from({ length: replicas }, () =>
          execFileAsync(process.execPath, ['--input-type=module', '-e', script, path]),
        ),
      );
    },
  },
  {
    name: 'postgres',
    skip: postgresMissing,
    fresh: async () => {
      const url = await freshDatabase();
      return () => track(new PostgresDb(url, (err) => reported.push(err)));
    },
    migrateAtOnce: async (connect, replicas) => {
      await Promise.all(Array.from({ length: replicas }, () => migrate(connect())));
    },
  },
];

function track<T extends SqlDb>(db: T): T {
  opened.push(db);
  return db;
}

/** node:sqlite's rows have no prototype; deepEqual compares prototypes too. */
const plain = (rows: readonly object[]) => rows.map((row) => ({ ...row }));

async function tables(db: SqlDb): Promise<string[]> {
  const sql =
    db.engine === 'sqlite'
      ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'tg%' ORDER BY name"
      : "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 'tg%' ORDER BY tablename";
  return (await db.query<{ name: string }>(sql)).map((r) => r.name);
}

const budget = (id: string, data = '{}') => [
  id,
  data,
  '2026-01-01T00:00:00.000Z',
  '2026-01-01T00:00:00.000Z',
];
const INSERT_BUDGET =
  'INSERT INTO tg_budgets (budget_id, data, created_at, updated_at) VALUES ($1, $2, $3, $4)';
const ids = async (db: SqlDb) =>
  (await db.query<{ budget_id: string }>('SELECT budget_id FROM tg_budgets ORDER BY budget_id')).map(
    (r) => r.budget_id,
  );

/** What `n` charges of `amount` add up to in doubles: identical addends sum the same in any order. */
function serialSum(amount: number, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += amount;
  return sum;
}

for (const engine of ENGINES) {
  describe(`accounts SQL layer on ${engine.name}`, { skip: engine.skip }, () => {
    it('migrates a fresh database, and a second run changes nothing', async () => {
      const db = (await engine.fresh())();
      await migrate(db);
      const first = await tables(db);
      for (const t of ['tg_keys', 'tg_migrations', 'tg_spend_logs', 'tg_meta'])
        assert.ok(first.includes(t), t);
      await migrate(db);
      assert.deepEqual(await tables(db), first);
      const applied = await db.query<{ version: number; name: string }>(
        'SELECT version, name FROM tg_migrations ORDER BY version',
      );
      assert.deepEqual(
        applied.map((r) => [r.version, r.name]),
        MIGRATIONS.map((m, i) => [i + 1, m.name]),
      );
      assert.deepEqual(plain(await db.query('SELECT name, value FROM tg_meta')), [
        { name: 'accounts_version', value: 0 },
      ]);
    });

    it('lets several instances migrate one database at once (replicas starting together)', async () => {
      const connect = await engine.fresh();
      await engine.migrateAtOnce(connect, 3);
      const db = connect();
      const applied = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM tg_migrations');
      assert.equal(applied[0]?.n, MIGRATIONS.length);
      assert.equal((await db.query('SELECT * FROM tg_meta')).length, 1);
    });

    it('binds $n parameters, reused and out of order, and counts changed rows', async () => {
      const db = (await engine.fresh())();
      await migrate(db);
      for (const id of ['a', 'b', 'c']) assert.equal(await db.run(INSERT_BUDGET, budget(id)), 1);
      assert.equal(await db.run(INSERT_BUDGET, [' d', null, '', '']).catch(() => -1), -1, 'NOT NULL data');
      const rows = await db.query<{ budget_id: string }>(
        'SELECT budget_id FROM tg_budgets WHERE budget_id = $2 OR budget_id = $1 OR data = $2 ORDER BY budget_id',
        ['c', 'a'],
      );
      assert.deepEqual(
        rows.map((r) => r.budget_id),
        ['a', 'c'],
      );
      assert.equal(await db.run('UPDATE tg_budgets SET spend = $1 WHERE budget_id <> $2', [1.5, 'b']), 2);
      assert.equal(await db.run('UPDATE tg_budgets SET spend = $1 WHERE budget_id = $2', [1, 'nobody']), 0);
      assert.equal(await db.run('UPDATE tg_budgets SET budget_reset_at = $1', [null]), 3);
      assert.equal(await db.run('DELETE FROM tg_budgets WHERE spend > $1', [1]), 2);
      assert.deepEqual(await ids(db), ['b']);
    });

    it('returns rows from RETURNING', async () => {
      const db = (await engine.fresh())();
      await migrate(db);
      const inserted = await db.query(`${INSERT_BUDGET} RETURNING budget_id, spend`, budget('r'));
      assert.deepEqual(plain(inserted), [{ budget_id: 'r', spend: 0 }]);
      const charged = await db.query(
        'UPDATE tg_budgets SET spend = spend + $1 WHERE budget_id = $2 RETURNING spend',
        [0.25, 'r'],
      );
      assert.deepEqual(plain(charged), [{ spend: 0.25 }]);
      assert.deepEqual(
        await db.query('DELETE FROM tg_budgets WHERE budget_id = $1 RETURNING budget_id', ['x']),
        [],
      );
    });

    it('counts with ON CONFLICT … DO UPDATE … RETURNING', async () => {
      const db = (await engine.fresh())();
      await migrate(db);
      const hit = (tokens: number) =>
        db.query<{ requests: number; tokens: number }>(
          `INSERT INTO tg_limit_windows (scope, window_start, requests, tokens) VALUES ($1, $2, 1, $3)
           ON CONFLICT (scope, window_start) DO UPDATE
           SET requests = tg_limit_windows.requests + 1, tokens = tg_limit_windows.tokens + excluded.tokens
           RETURNING requests, tokens`,
          ['key:k', 29_000_000, tokens],
        );
      assert.deepEqual(plain(await hit(10)), [{ requests: 1, tokens: 10 }]);
      assert.deepEqual(plain(await hit(5)), [{ requests: 2, tokens: 15 }]);
      assert.deepEqual(
        await Promise.all([hit(1), hit(1)]).then((r) =>
          r
            .flat()
            .map((x) => x.requests)
            .sort(),
        ),
        [3, 4],
      );
      const ignored = await db.run(
        'INSERT INTO tg_limit_windows (scope, window_start) VALUES ($1, $2) ON CONFLICT DO NOTHING',
        ['key:k', 29_000_000],
      );
      assert.equal(ignored, 0);
    });

    it('commits a transaction, and rolls back all of one that throws', async () => {
      const db = (await engine.fresh())();
      await migrate(db);
      const value = await db.transaction(async (tx) => {
        await tx.run(INSERT_BUDGET, budget('kept-1'));
        // A nested transaction joins the outer one.
        await tx.transaction((inner) => inner.run(INSERT_BUDGET, budget('kept-2')));
        return 'done';
      });
      assert.equal(value, 'done');
      const boom = new Error('boom');
      await assert.rejects(
        db.transaction(async (tx) => {
          await tx.run(INSERT_BUDGET, budget('lost-1'));
          await tx.run('UPDATE tg_budgets SET spend = 9 WHERE budget_id = $1', ['kept-1']);
          await tx.transaction((inner) => inner.run(INSERT_BUDGET, budget('lost-2')));
          throw boom;
        }),
        (err) => err === boom,
      );
      // A failing statement aborts it the same way.
      await assert.rejects(
        db.transaction(async (tx) => {
          await tx.run(INSERT_BUDGET, budget('lost-3'));
          await tx.run(INSERT_BUDGET, budget('kept-2'));
        }),
      );
      assert.deepEqual(await ids(db), ['kept-1', 'kept-2']);
      assert.deepEqual(
        plain(await db.query('SELECT spend FROM tg_budgets WHERE budget_id = $1', ['kept-1'])),
        [{ spend: 0 }],
      );
    });

    it('keeps work outside an open transaction out of it', async () => {
      const db = (await engine.fresh())();
      await migrate(db);
      let open = () => {};
      const gate = new Promise<void>((resolve) => {
        open = resolve;
      });
      const rolledBack = db.transaction(async (tx) => {
        await tx.run(INSERT_BUDGET, budget('in-tx'));
        await gate;
        throw new Error('rolled back');
      });
      // Another request's statement and transaction while the first one is open (awaiting something).
      const outside = db.run(INSERT_BUDGET, budget('outside'));
      const other = db
        .transaction(async (tx) => {
          await tx.run(INSERT_BUDGET, budget('other-part'));
          throw new Error('other failed');
        })
        .catch((err: Error) => err.message);
      await new Promise((r) => setTimeout(r, 20));
      open();
      await assert.rejects(rolledBack, /rolled back/);
      assert.equal(await other, 'other failed');
      assert.equal(await outside, 1);
      assert.deepEqual(await ids(db), ['outside']);
    });

    it('adds concurrent charges from two instances without losing one', async () => {
      const connect = await engine.fresh();
      const [a, b] = [connect(), connect()];
      await migrate(a);
      await a.run('INSERT INTO tg_keys (token, data, created_at, updated_at) VALUES ($1, $2, $3, $3)', [
        'hashed',
        '{}',
        new Date().toISOString(),
      ]);
      const charge = (db: SqlDb) =>
        Promise.all(
          Array.from({ length: 200 }, () =>
            db.run('UPDATE tg_keys SET spend = spend + $1 WHERE token = $2', [0.01, 'hashed']),
          ),
        );
      await Promise.all([charge(a), charge(b)]);
      const rows = await b.query<{ spend: number }>('SELECT spend FROM tg_keys WHERE token = $1', ['hashed']);
      assert.equal(rows[0]?.spend, serialSum(0.01, 400));
    });

    it('gives COUNT, SUM, AVG and MAX back as numbers', async () => {
      const db = (await engine.fresh())();
      await migrate(db);
      for (const [w, tokens] of [
        [60, 10],
        [120, 20],
        [180, 33],
      ] as const)
        await db.run(
          'INSERT INTO tg_limit_windows (scope, window_start, requests, tokens) VALUES ($1, $2, 1, $3)',
          ['s', w, tokens],
        );
      await db.run(
        "INSERT INTO tg_model_spend (kind, id, model, spend) VALUES ('key', 'k', 'm1', 0.5), ('key', 'k', 'm2', 0.25)",
      );
      const [row] = await db.query(
        `SELECT COUNT(*) AS n, SUM(tokens) AS tokens, SUM(requests) AS requests, MAX(window_start) AS latest,
                AVG(tokens) AS mean, (SELECT SUM(spend) FROM tg_model_spend) AS spend
         FROM tg_limit_windows WHERE scope = $1`,
        ['s'],
      );
      assert.deepEqual({ ...row }, { n: 3, tokens: 63, requests: 3, latest: 180, mean: 21, spend: 0.75 });
      const [none] = await db.query(
        'SELECT COUNT(*) AS n, SUM(tokens) AS tokens FROM tg_limit_windows WHERE scope = $1',
        ['none'],
      );
      assert.deepEqual({ ...none }, { n: 0, tokens: null });
    });
  });
}

describe('PostgreSQL LISTEN/NOTIFY between replicas', { skip: postgresMissing }, () => {
  const heard = (messages: string[], payload: string, timeoutMs = 5000) =>
    new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + timeoutMs;
      const check = () => {
        if (messages.includes(payload)) resolve();
        else if (Date.now() > deadline)
          reject(new Error(`never heard ${payload}: ${JSON.stringify(messages)}`));
        else setTimeout(check, 10);
      };
      check();
    });

  it("carries one instance's notification to another's listener", async () => {
    const url = await freshDatabase();
    const [a, b] = [
      track(new PostgresDb(url, (e) => reported.push(e))),
      track(new PostgresDb(url, (e) => reported.push(e))),
    ];
    const messages: string[] = [];
    await a.listen(
      'tg_accounts',
      (payload) => messages.push(payload),
      (e) => reported.push(e),
    );
    await b.notify('tg_accounts', 'key:abc');
    await b.notify('tg_other', 'not for us');
    await b.notify('tg_accounts', "team:it's");
    await heard(messages, "team:it's");
    assert.deepEqual(messages, ['key:abc', "team:it's"]);
  });

  it('listens again after losing its connection, first saying that anything may have changed', async () => {
    const url = await freshDatabase();
    const [a, b] = [
      track(new PostgresDb(url, (e) => reported.push(e))),
      track(new PostgresDb(url, (e) => reported.push(e))),
    ];
    const messages: string[] = [];
    const errors: unknown[] = [];
    await a.listen(
      'tg_accounts',
      (payload) => messages.push(payload),
      (e) => errors.push(e),
    );
    const killed = await b.query<{ n: number }>(
      `SELECT COUNT(pg_terminate_backend(pid)) AS n FROM pg_stat_activity
       WHERE datname = current_database() AND query = 'LISTEN tg_accounts'`,
    );
    assert.equal(killed[0]?.n, 1);
    await heard(messages, '*');
    assert.ok(errors.length > 0);
    // Notifications sent before the new LISTEN are lost (the '*' covers them); keep sending until heard.
    const sending = setInterval(
      () => void b.notify('tg_accounts', 'after').catch((e) => reported.push(e)),
      100,
    );
    try {
      await heard(messages, 'after');
    } finally {
      clearInterval(sending);
    }
  });

  it('leaves no listening connection behind after close, even mid-reconnect', async () => {
    const url = await freshDatabase();
    const [a, b] = [
      new PostgresDb(url, (e) => reported.push(e)),
      track(new PostgresDb(url, (e) => reported.push(e))),
    ];
    await a.listen(
      'tg_accounts',
      () => {},
      () => {},
    );
    const listening = () =>
      b.query<{ n: number }>(
        "SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN tg_accounts'",
      );
    await b.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN tg_accounts'",
    );
    await new Promise((r) => setTimeout(r, 100));
    await a.close();
    // The reconnect was due a second after the loss.
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(await listening(), [{ n: 0 }]);
  });
});
