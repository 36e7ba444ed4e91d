/**
 * The search processes of a file-backed store, through StoreClient: started on demand and stopped when
 * idle; a search past its time limit answered 408 and its process replaced; waiting bounded (503);
 * every process stopped by close, even one in the middle of a search.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { isRunning } from '../../test/helpers/store-gateway-child.ts';
import { tempDir } from '../../test/helpers/temp-dir.ts';
import { StoreClient, type StoreClientOptions, StoreError } from './store-client.ts';

const LIMIT_MS = 800;
/** Minutes of CPU without reading a row: only killing its process stops it. */
const BOMB = `SELECT count(*) AS n FROM ${Array.from({ length: 10 }, (_, i) => `(VALUES (1),(2),(3),(4),(5),(6),(7),(8),(9),(10)) v${i}`).join(', ')}`;

function start(options: Partial<StoreClientOptions> = {}): Promise<StoreClient> {
  return StoreClient.start({
    path: join(tempDir(), 'traces.db'),
    maxAgeMs: 0,
    maxBytes: 0,
    queryTimeLimitMs: LIMIT_MS,
    maxBodyBytes: 1 << 20,
    ...options,
  });
}

function search(client: StoreClient, sql: string): Promise<string> {
  return client.call('search', {
    org: 'default',
    body: { query: { sql, start_time: 0, end_time: 2 ** 60 } },
  });
}

/** The call's error, or a failure if it answered. */
async function refusal(call: Promise<unknown>): Promise<StoreError> {
  const outcome = await call.then(
    () => assert.fail('expected the call to be refused'),
    (err: unknown) => err,
  );
  assert.ok(outcome instanceof StoreError, String(outcome));
  return outcome;
}

async function gone(pids: number[], withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (pids.some(isRunning) && Date.now() < deadline) await delay(25);
  return !pids.some(isRunning);
}

describe('search processes', () => {
  it('start on the first search and exit when idle; the next search starts one again', async () => {
    const client = await start({ searchIdleMs: 200 });
    try {
      assert.deepEqual(client.searchProcessIds(), [], 'none before the first search');
      assert.match(await search(client, 'SELECT 1 AS one'), /"one":1/);
      const pids = client.searchProcessIds();
      assert.equal(pids.length, 1);
      assert.ok(await gone(pids, 3000), 'the idle process exited');
      assert.deepEqual(client.searchProcessIds(), []);
      assert.match(await search(client, 'SELECT 2 AS two'), /"two":2/);
    } finally {
      await client.close();
    }
  });

  it('answer 408 past the time limit and 503 past the queue; close stops a process mid-search', async () => {
    const client = await start({ searchProcesses: 1, maxQueuedSearches: 1 });
    try {
      // The process started, so the limit below measures the search, not a process starting.
      await search(client, 'SELECT 1 AS one');
      assert.equal(client.searchProcessIds().length, 1, 'the search ran in a search process');
      const started = performance.now();
      const bomb = refusal(search(client, BOMB));
      const queued = search(client, 'SELECT 1 AS one');
      const third = await refusal(search(client, 'SELECT 1 AS one'));
      assert.equal(third.status, 503);
      assert.match(third.message, /Too many searches are waiting/);

      const stopped = await bomb;
      assert.equal(stopped.status, 408);
      assert.deepEqual([stopped.message, stopped.shape.code], ['Search query timed out', 20010]);
      assert.match(stopped.shape.detail ?? '', /ran longer than the 800 ms limit/);
      assert.ok(performance.now() - started < LIMIT_MS + 1000, 'stopped within a second of the limit');
      assert.match(await queued, /"one":1/, 'the waiting search ran in the replacement process');

      const again = refusal(search(client, BOMB));
      await delay(200);
      const pids = client.searchProcessIds();
      assert.equal(pids.length, 1);
      await client.close();
      assert.equal((await again).status, 503);
      assert.ok(await gone(pids, 1000), 'close killed the process in the middle of its search');
    } finally {
      await client.close();
    }
  });
});
