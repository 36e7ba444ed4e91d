/**
 * Abuse: a search that runs for minutes without reading a row (cross-joined inline VALUES lists, which
 * the query runner's per-row tick never sees). It answers 408 within a second of its time limit, and
 * meanwhile other searches and ingest answer at once; its process does not outlive the gateway, even
 * one killed with SIGKILL mid-search. The gateway runs in a child process, so this test stays bounded
 * even when a search holds its store: killing the child ends everything.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isRunning, type StoreGatewayChild, startStoreGatewayChild } from './helpers/store-gateway-child.ts';
import { tempDir } from './helpers/temp-dir.ts';

const LIMIT_MS = 1000;
/** 10^10 rows counted: minutes of CPU, reading no stream at all. */
const BOMB = `SELECT count(*) AS n FROM ${Array.from(
  { length: 10 },
  (_, i) => `(VALUES (1),(2),(3),(4),(5),(6),(7),(8),(9),(10)) v${i}`,
).join(', ')}`;
const COUNT = 'SELECT count(*) AS n FROM "default"';
const SPANS = 50;

interface Answer {
  status: number;
  body: { code?: number; message?: string; error_detail?: string; hits?: Array<{ n?: number }> };
  ms: number;
}

function spans(count: number, name: string) {
  const ns = `${BigInt(Date.now()) * 1_000_000n}`;
  const list = Array.from({ length: count }, (_, i) => ({
    traceId: (i + 1).toString(16).padStart(32, '0'),
    spanId: (i + 1).toString(16).padStart(16, '0'),
    name: `${name}-${i}`,
    startTimeUnixNano: ns,
    endTimeUnixNano: ns,
  }));
  return JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: list }] }] });
}

describe('abuse: a search that reads no rows, run against a file-backed store', () => {
  let gateway: StoreGatewayChild;
  /** POSTs to the gateway, giving up after `timeoutMs` (so a held store fails the test, not hangs it). */
  const post = async (path: string, body: string, timeoutMs: number): Promise<Answer> => {
    const started = performance.now();
    const response = await fetch(`${gateway.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    }).catch((err: Error) => assert.fail(`${path} got no answer within ${timeoutMs} ms (${err.message})`));
    return {
      status: response.status,
      body: (await response.json()) as Answer['body'],
      ms: performance.now() - started,
    };
  };
  const search = (sql: string, timeoutMs = LIMIT_MS + 3000) =>
    post(
      '/api/default/_search?type=traces',
      JSON.stringify({ query: { sql, start_time: 0, end_time: 2 ** 60 } }),
      timeoutMs,
    );
  const ingest = (count: number, name: string, timeoutMs = 3000) =>
    post('/api/default/v1/traces', spans(count, name), timeoutMs);

  before(async () => {
    gateway = await startStoreGatewayChild({
      path: join(tempDir(), 'traces.db'),
      queryTimeLimitMs: LIMIT_MS,
    });
    assert.equal((await ingest(SPANS, 'before')).status, 200);
  });
  after(() => gateway.kill('SIGKILL'));

  it('answers 408 within a second of the time limit, while searches and ingest go on', async () => {
    // Both search processes started, so the searches below measure waiting, not a process starting.
    const warm = await Promise.all([search(COUNT), search(COUNT)]);
    assert.deepEqual(
      warm.map((a) => a.body.hits?.[0]?.n),
      [SPANS, SPANS],
    );

    const bomb = search(BOMB, LIMIT_MS + 5000);
    // Awaited below; until then, a failed assertion must not leave its rejection unhandled.
    bomb.catch(() => {});
    await new Promise((r) => setTimeout(r, 300));
    const [during, ingested] = await Promise.all([search(COUNT), ingest(1, 'during')]);
    assert.equal(during.status, 200, JSON.stringify(during.body));
    assert.equal(during.body.hits?.[0]?.n, SPANS, 'a search during the bomb answers');
    assert.ok(during.ms < 1000, `a search during the bomb took ${Math.round(during.ms)} ms`);
    assert.equal(ingested.status, 200, JSON.stringify(ingested.body));
    assert.ok(ingested.ms < 1000, `an ingest during the bomb took ${Math.round(ingested.ms)} ms`);

    const stopped = await bomb;
    assert.equal(stopped.status, 408, JSON.stringify(stopped.body));
    assert.equal(stopped.body.code, 20010);
    assert.equal(stopped.body.message, 'Search query timed out');
    assert.match(stopped.body.error_detail ?? '', /ran longer than the 1000 ms limit/);
    assert.ok(stopped.ms < LIMIT_MS + 1500, `the bomb answered after ${Math.round(stopped.ms)} ms`);

    const afterwards = await search(COUNT);
    assert.equal(afterwards.body.hits?.[0]?.n, SPANS + 1, 'the span ingested during the bomb is stored');
  });

  it('leaves no search running when the gateway is killed mid-search', async () => {
    const bomb = search(BOMB, LIMIT_MS + 5000).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    const pids = await gateway.searchProcessIds();
    assert.ok(pids.length > 0, 'searches run in processes of their own');
    await gateway.kill('SIGKILL');
    await bomb;
    const deadline = Date.now() + 2000;
    while (pids.some(isRunning) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(pids.filter(isRunning), [], 'no search process outlives the gateway');
  });
});
