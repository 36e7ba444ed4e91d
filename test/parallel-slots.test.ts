/**
 * max_parallel_requests shared by the processes on one accounts database (accounts/parallel-slots.ts):
 * two SharedSlots on one SQLite file and on one PostgreSQL database, as two workers or replicas. The
 * limit holds across them, a released slot is free for the other, a dead process's slots come back
 * once its heartbeat is stale, and on PostgreSQL many acquires at once never take more than the limit.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SharedSlots, STALE_MS } from '../src/accounts/parallel-slots.ts';
import type { SqlDb } from '../src/accounts/sql/db.ts';
import { migrate } from '../src/accounts/sql/migrations.ts';
import { PostgresDb } from '../src/accounts/sql/postgres.ts';
import { SqliteDb } from '../src/accounts/sql/sqlite.ts';
import { freshDatabase, postgresMissing } from './helpers/postgres.ts';
import { tempDir } from './helpers/temp-dir.ts';

const ENGINES: Array<{ name: string; skip?: string; connect: () => Promise<() => SqlDb> }> = [
  {
    name: 'SQLite',
    connect: async () => {
      const path = join(tempDir(), 'accounts.db');
      return () => new SqliteDb(path);
    },
  },
  {
    name: 'PostgreSQL',
    skip: postgresMissing,
    connect: async () => {
      const url = await freshDatabase();
      return () => new PostgresDb(url, () => {});
    },
  },
];

for (const engine of ENGINES) {
  describe(`parallel slots shared on ${engine.name}`, { skip: engine.skip }, () => {
    const opened: SqlDb[] = [];
    after(async () => {
      for (const db of opened) await db.close();
    });
    /** Two processes' slots on one fresh database; `later` moves the second one's clock. */
    async function pair(later = 0): Promise<[SharedSlots, SharedSlots]> {
      const connect = await engine.connect();
      const [one, two] = [connect(), connect()];
      opened.push(one, two);
      await migrate(one);
      return [new SharedSlots(one), new SharedSlots(two, () => Date.now() + later)];
    }

    it('holds the limit across both, and a released slot is the other’s to take', async () => {
      const [a, b] = await pair();
      assert.equal(await a.acquire('key:x', 2), true);
      assert.equal(await b.acquire('key:x', 2), true);
      assert.equal(await a.acquire('key:x', 2), false, 'both slots taken, one in each process');
      assert.equal(await b.acquire('key:x', 2), false);
      assert.equal(await b.acquire('key:other', 1), true, 'scopes apart');
      a.release('key:x');
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(await b.acquire('key:x', 2), true);
      assert.equal(await a.acquire('key:x', 2), false);
      await a.close();
      await b.close();
    });

    it("counts a dead process's slots no longer once its heartbeat is stale, and a closed one's at once", async () => {
      const [a, b] = await pair(STALE_MS + 1000);
      assert.equal(await a.acquire('key:y', 1), true);
      assert.equal(await b.acquire('key:y', 1), true, "a's row is older than STALE_MS on b's clock");
      const [c, d] = await pair();
      assert.equal(await c.acquire('key:z', 1), true);
      assert.equal(await d.acquire('key:z', 1), false);
      await c.close();
      assert.equal(await d.acquire('key:z', 1), true);
      for (const slots of [a, b, d]) await slots.close();
    });

    if (engine.name === 'PostgreSQL')
      it('never takes more than the limit when both ask many times at once', async () => {
        const [a, b] = await pair();
        const tries = Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? a : b).acquire('key:burst', 5));
        const taken = (await Promise.all(tries)).filter(Boolean).length;
        assert.equal(taken, 5);
        await a.close();
        await b.close();
      });
  });
}
