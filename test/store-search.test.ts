/**
 * The store's search, in-process: OpenObserve's `_search` semantics (time range, paging, order, base64,
 * types), read-only SQL that cannot escape its organisation's streams, the time limit, and retention.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QueryError } from '../src/store/search/query-error.ts';
import { TraceStore } from '../src/store/trace-store.ts';

const NOW = Date.now();
let next = 1;
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

type Attr = { key: string; value: Record<string, unknown> };
function span(name: string, atMs: number, attributes: Attr[] = [], traceId = hex(next++, 32)) {
  const ns = `${BigInt(Math.round(atMs)) * 1_000_000n + 123n}`;
  return {
    traceId,
    spanId: hex(next++, 16),
    name,
    kind: 2,
    startTimeUnixNano: ns,
    endTimeUnixNano: ns,
    attributes,
  };
}
const str = (key: string, stringValue: string): Attr => ({ key, value: { stringValue } });
const int = (key: string, intValue: number): Attr => ({ key, value: { intValue } });

function ingest(store: TraceStore, spans: unknown[], org = 'default', stream?: string) {
  const body = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans }] }] });
  return store.ingest({ org, stream, bytes: Buffer.from(body), format: 'json' });
}

type Response = {
  hits: Array<Record<string, unknown>>;
  total: number;
  from: number;
  size: number;
  took: number;
  is_partial: boolean;
};
function search(
  store: TraceStore,
  query: Record<string, unknown>,
  org = 'default',
  extra: Record<string, unknown> = {},
): Response {
  return JSON.parse(store.search(org, { query, ...extra })) as Response;
}

function refused(store: TraceStore, sql: string, status = 400): string {
  try {
    store.search('default', { query: { sql } });
  } catch (err) {
    assert.ok(err instanceof QueryError, `${sql}: ${String(err)}`);
    assert.equal(err.status, status, sql);
    return err.message;
  }
  assert.fail(`${sql} was not refused`);
}

function open(timeLimitMs = 5000): TraceStore {
  return new TraceStore({
    path: ':memory:',
    maxAgeMs: 0,
    maxBytes: 0,
    queryTimeLimitMs: timeLimitMs,
    maxBodyBytes: 1 << 24,
  });
}

describe('_search', () => {
  const store = open();
  for (let i = 0; i < 30; i++)
    ingest(store, [
      span(`op-${i}`, NOW - (30 - i) * 60_000, [str('llm.model_name', i % 2 ? 'a' : 'b'), int('n', i)]),
    ]);

  it("answers in OpenObserve's shape, newest first, paged with from/size", () => {
    const page = search(store, { sql: 'SELECT * FROM "default"', from: 5, size: 10 });
    assert.deepEqual(
      Object.keys(page).sort(),
      ['from', 'hits', 'is_partial', 'scan_records', 'scan_size', 'size', 'took', 'total'].sort(),
    );
    assert.equal(page.hits.length, 10);
    assert.equal(page.from, 5);
    assert.equal(page.hits[0]?.operation_name, 'op-24');
    assert.equal(page.is_partial, false);
  });

  it('applies the time range to _timestamp in microseconds', () => {
    const hits = search(store, {
      sql: 'SELECT operation_name FROM "default" ORDER BY _timestamp',
      start_time: (NOW - 10.5 * 60_000) * 1000,
      end_time: (NOW - 4.5 * 60_000) * 1000,
    }).hits;
    assert.deepEqual(
      hits.map((h) => h.operation_name),
      ['op-20', 'op-21', 'op-22', 'op-23', 'op-24', 'op-25'],
    );
  });

  it('takes base64 SQL, counts with track_total_hits, and leaves order to queries that group', () => {
    const sql = Buffer.from(`SELECT * FROM "default" WHERE llm_model_name = 'a'`).toString('base64');
    const r = search(store, { sql, size: 3, track_total_hits: true }, 'default', { encoding: 'base64' });
    assert.equal(r.hits.length, 3);
    assert.equal(r.total, 15);
    const grouped = search(store, {
      sql: 'SELECT llm_model_name, count(*) AS n FROM "default" GROUP BY llm_model_name ORDER BY llm_model_name',
    });
    assert.deepEqual(grouped.hits, [
      { llm_model_name: 'a', n: 15 },
      { llm_model_name: 'b', n: 15 },
    ]);
  });

  it('keeps types: exact nanoseconds, booleans, a column first seen later, widening', () => {
    ingest(store, [span('typed', NOW, [{ key: 'flag', value: { boolValue: true } }, int('later', 7)])]);
    ingest(store, [span('typed-2', NOW, [{ key: 'later', value: { stringValue: 'seven' } }])]);
    const text = store.search('default', {
      query: {
        sql: `SELECT start_time, flag, later FROM "default" WHERE operation_name LIKE 'typed%' ORDER BY operation_name`,
      },
    });
    assert.match(text, /"start_time":\d{16}123[,}]/, 'nanoseconds are exact in the JSON text');
    const hits = (JSON.parse(text) as Response).hits;
    assert.equal(hits[0]?.flag, true);
    assert.equal(hits[0]?.later, '7', 'an integer column that received text is text');
    assert.equal(hits[1]?.later, 'seven');
  });

  it("OpenObserve's functions and its error-rate alert query run", () => {
    const r = search(store, {
      sql: `SELECT llm_model_name, COUNT(*) FILTER (WHERE span_status = 'ERROR') * 1.0 / COUNT(*) AS error_rate,
              approx_percentile_cont(n, 0.5) AS p50, count(histogram(_timestamp, '10 minutes')) AS buckets
            FROM "default" WHERE str_match(operation_name, 'op-') AND re_match(operation_name, '^op-[0-9]+$')
            GROUP BY llm_model_name ORDER BY llm_model_name`,
    });
    assert.equal(r.hits.length, 2);
    assert.equal(r.hits[0]?.error_rate, 0);
    assert.equal(r.hits[0]?.p50, 15);
  });

  it('keeps organisations apart', () => {
    ingest(store, [span('secret', NOW)], 'other', 'private');
    assert.match(refused(store, 'SELECT * FROM "private"'), /not found/);
    assert.equal(search(store, { sql: 'SELECT * FROM "private"' }, 'other').hits.length, 1);
  });
});

describe('_search refuses SQL that writes or escapes, and stored spans are unchanged', () => {
  const store = open(300);
  ingest(
    store,
    Array.from({ length: 3000 }, (_, i) => span('row', NOW - i)),
  );
  const count = () => search(store, { sql: 'SELECT count(*) AS n FROM "default"' }).hits[0]?.n;

  it('allows one SELECT and nothing else', () => {
    for (const sql of [
      'DELETE FROM "default"',
      'DROP TABLE "default"',
      `INSERT INTO "default" (trace_id) VALUES ('x')`,
      'UPDATE "default" SET operation_name = 1',
      'PRAGMA writable_schema = 1',
      "ATTACH DATABASE '/tmp/evil.db' AS evil",
      'VACUUM',
      'SELECT 1; DELETE FROM "default"',
      "SELECT ';'; DROP TABLE x",
      '',
    ]) {
      refused(store, sql);
    }
  });

  it('lets a SELECT read only the streams, through their time-limited views', () => {
    for (const sql of [
      'SELECT * FROM sqlite_master',
      'SELECT * FROM sqlite_schema',
      'SELECT * FROM _streams',
      'SELECT * FROM _columns',
      'SELECT * FROM stream_1',
      'SELECT * FROM main.stream_1',
      "SELECT * FROM pragma_table_info('stream_1')",
      'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c',
      'SELECT zeroblob(1000000000)',
      "SELECT load_extension('x')",
    ]) {
      const message = refused(store, sql);
      assert.ok(message.length > 15, sql);
    }
    assert.equal(count(), 3000);
  });

  it('stops a query at the time limit with 408, and answers the next one', () => {
    refused(store, 'SELECT count(*) FROM "default" a, "default" b, "default" c', 408);
    assert.equal(count(), 3000);
  });
});

describe('retention', () => {
  it('deletes spans past the age limit, and the oldest first past the size limit', () => {
    const store = new TraceStore({
      path: ':memory:',
      maxAgeMs: 60 * 60_000,
      maxBytes: 0,
      queryTimeLimitMs: 5000,
      maxBodyBytes: 1 << 24,
    });
    ingest(store, [span('old', NOW - 4 * 3_600_000), span('new', NOW - 60_000)]);
    assert.equal(store.retain(NOW), 1);
    assert.deepEqual(search(store, { sql: 'SELECT operation_name FROM "default"' }).hits, [
      { operation_name: 'new' },
    ]);

    const sized = new TraceStore({
      path: ':memory:',
      maxAgeMs: 0,
      maxBytes: 1024 * 1024,
      queryTimeLimitMs: 5000,
      maxBodyBytes: 1 << 24,
    });
    const big = str('payload', 'x'.repeat(2000));
    for (let b = 0; b < 20; b++)
      ingest(
        sized,
        Array.from({ length: 100 }, (_, i) => span(`b${b}`, NOW - (20 - b) * 60_000 + i, [big])),
      );
    assert.ok(sized.retain(NOW) > 0);
    const left = search(sized, {
      sql: 'SELECT operation_name, count(*) AS n FROM "default" GROUP BY operation_name ORDER BY min(_timestamp)',
    }).hits;
    assert.ok(left.length < 20 && left.length > 0);
    assert.equal(left.at(-1)?.operation_name, 'b19', 'the newest spans are kept');
  });
});
