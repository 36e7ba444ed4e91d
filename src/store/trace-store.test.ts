/**
 * The embedded trace store end to end, in-process: OTLP/JSON in (built here with current times, since
 * ingest refuses spans more than 5 hours old), OpenObserve's `_search`, trace list and trace details
 * out; SQL that must be refused; the query time limit; retention by age and by size.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, it } from 'node:test';
import { usedBytes } from './retention.ts';
import { QueryError } from './search/query-error.ts';
import { TraceStore, type TraceStoreOptions } from './trace-store.ts';

const OPTIONS: TraceStoreOptions = {
  path: ':memory:',
  maxAgeMs: 0,
  maxBytes: 0,
  queryTimeLimitMs: 2000,
  maxBodyBytes: 1 << 24,
};
const MINUTE_MS = 60_000;
const NOW_MS = Date.now();

type Value = string | number | bigint | boolean;
interface SpanSpec {
  name: string;
  atMs: number;
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  durationMs?: number;
  /** Nanoseconds added to the start, to see that 64-bit times survive. */
  extraNs?: bigint;
  error?: boolean;
  attributes?: Record<string, Value>;
}

let counter = 0;
const id = (bytes: number) => (++counter).toString(16).padStart(bytes * 2, '0');

function otlpValue(v: Value): Record<string, unknown> {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'bigint' || Number.isInteger(v)) return { intValue: String(v) };
  return { doubleValue: v };
}

function otlpSpan(s: SpanSpec) {
  const start = BigInt(Math.trunc(s.atMs)) * 1_000_000n + (s.extraNs ?? 0n);
  return {
    traceId: s.traceId ?? id(16),
    spanId: s.spanId ?? id(8),
    parentSpanId: s.parentSpanId ?? '',
    name: s.name,
    kind: 2,
    startTimeUnixNano: String(start),
    endTimeUnixNano: String(start + BigInt(Math.round((s.durationMs ?? 1) * 1e6))),
    attributes: Object.entries(s.attributes ?? {}).map(([key, v]) => ({ key, value: otlpValue(v) })),
    status: s.error ? { code: 2, message: 'failed' } : { code: 1 },
  };
}

function ingest(store: TraceStore, org: string, spans: SpanSpec[], service = 'svc', stream?: string) {
  const body = {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [{ spans: spans.map(otlpSpan) }],
      },
    ],
  };
  const result = store.ingest({ org, stream, bytes: Buffer.from(JSON.stringify(body)), format: 'json' });
  assert.equal(result.rejected, 0, result.message);
  return result;
}

type Hit = Record<string, unknown>;
interface Response {
  took: number;
  hits: Hit[];
  total: number;
  from: number;
  size: number;
  is_partial: boolean;
}

/** A search over all stored time unless the query says otherwise (OpenObserve requires the range). */
function search(store: TraceStore, org: string, query: Record<string, unknown>, extra = {}) {
  const text = store.search(org, { query: { start_time: 0, end_time: 2 ** 60, ...query }, ...extra });
  return { text, response: JSON.parse(text) as Response };
}
const hitsOf = (store: TraceStore, sql: string, org = 'a') => search(store, org, { sql }).response.hits;
/** The hits' values of one column, space-separated: short to compare. */
const column = (hits: Hit[], name = 'operation_name') => hits.map((h) => String(h[name])).join(' ');

function assertQueryError(fn: () => unknown, status: number, message: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof QueryError, `a QueryError, got ${String(err)}`);
    assert.equal(err.status, status);
    // A search error has OpenObserve's fixed message; what went wrong is its detail.
    assert.match(`${err.message} ${err.detail ?? ''}`, message);
    return true;
  });
}

describe('TraceStore _search', () => {
  const store = new TraceStore(OPTIONS);
  after(() => store.close());
  const base = NOW_MS - 10 * MINUTE_MS;
  const at = (i: number) => base + i * 1000;
  // Batch 1: op0…op4 with an integer `n` and a boolean; batch 2: op5 adds a column and a string `n`.
  ingest(
    store,
    'a',
    [0, 1, 2, 3, 4].map((i) => ({
      name: `op${i}`,
      atMs: at(i),
      extraNs: 987_654n,
      attributes: { n: 5, 'flag.on': i % 2 === 0 },
    })),
  );
  ingest(store, 'a', [
    { name: 'op5', atMs: at(5), extraNs: 987_654n, attributes: { n: 'five', 'Late.Attr': 'here' } },
  ]);

  it("answers in OpenObserve's shape, newest first by default", () => {
    const { response } = search(store, 'a', { sql: 'SELECT * FROM "default"' });
    const keys = Object.keys(response).sort().join(' ');
    assert.equal(keys, 'from hits is_partial scan_records scan_size size took total');
    assert.equal(typeof response.took, 'number');
    assert.equal(response.is_partial, false);
    // `size` is the page asked for (OpenObserve's default, 1,000), `total` the hits returned.
    assert.deepEqual([response.total, response.from, response.size], [6, 0, 1000]);
    assert.equal(column(response.hits), 'op5 op4 op3 op2 op1 op0');
  });

  it("keeps the query's own order", () => {
    const hits = hitsOf(store, 'SELECT operation_name FROM "default" ORDER BY _timestamp ASC');
    assert.equal(column(hits), 'op0 op1 op2 op3 op4 op5');
  });

  it('pages with from/size; track_total_hits answers the count instead, as zo_sql_num', () => {
    // Newest first needs _timestamp among the result columns (the order is applied around the query).
    const sql = 'SELECT operation_name, _timestamp FROM "default"';
    const { response } = search(store, 'a', { sql, from: 1, size: 2 });
    assert.equal(column(response.hits), 'op4 op3');
    assert.deepEqual([response.from, response.size, response.total], [1, 2, 2]);
    const counted = search(store, 'a', { sql, from: 1, size: 2, track_total_hits: true }).response;
    assert.deepEqual([counted.hits, counted.total], [[{ zo_sql_num: 6 }], 6]);
  });

  it('reads base64 (and base64url) SQL with encoding: "base64"', () => {
    const sql = `SELECT operation_name FROM "default" WHERE operation_name <> '>>>???' ORDER BY operation_name`;
    const b64 = Buffer.from(sql).toString('base64');
    const b64url = Buffer.from(sql).toString('base64url');
    assert.notEqual(b64, b64url.padEnd(b64.length, '='), 'the two encodings differ for this query');
    for (const encoded of [b64, b64url]) {
      const { response } = search(store, 'a', { sql: encoded }, { encoding: 'base64' });
      assert.equal(response.hits.length, 6);
      assert.equal(response.hits[0]?.operation_name, 'op0');
    }
  });

  it('filters on _timestamp (µs) with start_time inclusive and end_time exclusive', () => {
    const { response } = search(store, 'a', {
      sql: 'SELECT operation_name, _timestamp FROM "default"',
      start_time: at(1) * 1000,
      end_time: at(3) * 1000,
    });
    assert.equal(column(response.hits), 'op2 op1');
    assert.equal(response.hits[1]?._timestamp, at(1) * 1000 + 987);
  });

  it('a column first seen in a later batch is queryable; older rows simply lack it', () => {
    assert.deepEqual(
      hitsOf(store, 'SELECT operation_name, late_attr FROM "default" WHERE late_attr IS NOT NULL'),
      [{ operation_name: 'op5', late_attr: 'here' }],
    );
    const op0 = hitsOf(store, `SELECT * FROM "default" WHERE operation_name = 'op0'`)[0];
    assert.ok(op0 && !('late_attr' in op0));
  });

  it('widens a column that was an integer and later got a string', () => {
    const hits = hitsOf(store, 'SELECT operation_name, n FROM "default" ORDER BY _timestamp');
    assert.equal(column(hits, 'n'), '5 5 5 5 5 five');
    assert.ok(hits.every((h) => typeof h.n === 'string'));
    assert.match(store.streams('a', 'default'), /\{"name":"n","type":"Utf8"\}/);
  });

  it('booleans come back as "true" and "false", as OpenObserve stores them', () => {
    const hits = hitsOf(store, 'SELECT flag_on FROM "default" WHERE flag_on IS NOT NULL ORDER BY _timestamp');
    const flags = hits.map((h) => h.flag_on);
    assert.deepEqual(flags, ['true', 'false', 'true', 'false', 'true']);
  });

  it("OpenObserve's approx_percentile_cont works", () => {
    const hits = hitsOf(store, 'SELECT approx_percentile_cont(duration, 0.5) AS p50 FROM "default"');
    assert.deepEqual(hits, [{ p50: 1000 }]);
  });

  it('nanosecond start_time comes back exact in the JSON text', () => {
    const { text } = search(store, 'a', {
      sql: `SELECT start_time FROM "default" WHERE operation_name = 'op3'`,
    });
    const exact = String(BigInt(at(3)) * 1_000_000n + 987_654n);
    assert.ok(!Number.isSafeInteger(Number(exact)), 'the value does not fit a double');
    assert.match(text, new RegExp(`"start_time":${exact}[,}]`));
  });

  describe('organisations', () => {
    ingest(store, 'b', [{ name: 'b-secret', atMs: at(1) }], 'svc-b', 'secret');
    ingest(store, 'b', [{ name: 'b-default', atMs: at(1) }]);

    it("org a cannot see org b's streams, even under the same name", () => {
      assertQueryError(() => hitsOf(store, 'SELECT * FROM secret'), 400, /Search stream not found: secret/);
      const sql = 'SELECT operation_name, _timestamp FROM "default"';
      assert.equal(column(hitsOf(store, sql)), 'op5 op4 op3 op2 op1 op0');
      assert.equal(column(hitsOf(store, sql, 'b')), 'b-default');
      assert.equal(column(hitsOf(store, 'SELECT operation_name FROM secret', 'b')), 'b-secret');
    });
  });

  describe('refused SQL', () => {
    const snapshot = () => hitsOf(store, 'SELECT * FROM "default" ORDER BY span_id');
    const before = snapshot();
    const refusals: Array<[string, RegExp]> = [
      ['DELETE FROM "default"', /Only SELECT queries are allowed; this query starts with "DELETE"/],
      ['INSERT INTO "default" (trace_id) VALUES (1)', /Only SELECT queries/],
      [`ATTACH DATABASE ':memory:' AS x`, /Only SELECT queries.*"ATTACH"/],
      ['PRAGMA writable_schema = 1', /Only SELECT queries.*"PRAGMA"/],
      ['SELECT * FROM sqlite_master', /may only read this organization's trace streams/],
      ['SELECT * FROM sqlite_schema', /may only read this organization's trace streams/],
      ['SELECT * FROM temp.sqlite_temp_master', /may only read this organization's trace streams/],
      ['SELECT * FROM _streams', /may only read this organization's trace streams/],
      ['SELECT * FROM _columns', /may only read this organization's trace streams/],
      ['SELECT * FROM stream_1', /may only read this organization's trace streams/],
      ['SELECT * FROM main.stream_2', /may only read this organization's trace streams/],
      [`SELECT * FROM pragma_table_info('default')`, /may only read this organization's trace streams/],
      [
        'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c',
        /may only read this organization's trace streams/,
      ],
      ['WITH t AS (SELECT 1) DELETE FROM "default"', /cannot modify default because it is a view/],
      ['WITH t AS (SELECT 1) DELETE FROM main.stream_1', /may only read this organization's trace streams/],
      [`SELECT load_extension('/tmp/x')`, /may only read this organization's trace streams/],
      ['SELECT 1; DELETE FROM "default"', /Only one SQL statement/],
      [`SELECT * FROM "default"; SELECT * FROM sqlite_master`, /Only one SQL statement/],
    ];
    for (const [sql, message] of refusals) {
      it(`refuses ${sql}`, () => assertQueryError(() => hitsOf(store, sql), 400, message));
    }

    it('the stored rows are unchanged afterwards', () => {
      for (const [sql] of refusals) assert.throws(() => hitsOf(store, sql));
      assert.deepEqual(snapshot(), before);
      assert.equal(before.length, 6);
    });
  });
});

describe('TraceStore query time limit', () => {
  const store = new TraceStore({ ...OPTIONS, queryTimeLimitMs: 200 });
  after(() => store.close());
  const spans = Array.from({ length: 3000 }, (_, i) => ({ name: `s${i}`, atMs: NOW_MS - MINUTE_MS + i }));
  ingest(store, 'a', spans);

  it('a query that runs too long fails with 408, and the store still answers', () => {
    const started = performance.now();
    assertQueryError(
      () => hitsOf(store, 'SELECT count(*) AS n FROM "default" a, "default" b, "default" c'),
      408,
      /longer than the 200 ms limit/,
    );
    assert.ok(performance.now() - started < 5000, 'stopped near the limit');
    assert.deepEqual(hitsOf(store, 'SELECT count(*) AS n FROM "default"'), [{ n: 3000 }]);
  });
});

describe('TraceStore trace list and details', () => {
  const store = new TraceStore(OPTIONS);
  after(() => store.close());
  const older = { traceId: id(16), root: id(8) };
  const newer = id(16);
  const t0 = NOW_MS - 5 * MINUTE_MS;
  const child = { traceId: older.traceId, parentSpanId: older.root };
  ingest(store, 'a', [
    // Children first on purpose: the store must order by start time, not arrival.
    { name: 'db', atMs: t0 + 20, ...child, durationMs: 30, error: true },
    { name: 'upstream', atMs: t0 + 10, ...child, durationMs: 50 },
    { name: 'root', atMs: t0, traceId: older.traceId, spanId: older.root, durationMs: 100 },
  ]);
  ingest(store, 'a', [{ name: 'other', atMs: t0 + 60_000, ...child }], 'svc2');
  ingest(store, 'a', [{ name: 'solo', atMs: t0 + 120_000, traceId: newer, durationMs: 5 }]);

  const range = {
    start_time: String((t0 - MINUTE_MS) * 1000),
    end_time: String((NOW_MS + MINUTE_MS) * 1000),
  };
  const latest = (params: Record<string, string>) =>
    JSON.parse(store.latest('a', 'default', { ...range, ...params })) as {
      hits: Array<Record<string, unknown>>;
      total: number;
      size: number;
    };
  const ids = (params: Record<string, string>) => latest(params).hits.map((h) => h.trace_id);
  const ns = (ms: number) => ms * 1_000_000;

  it("latest() has one hit per trace, newest first, with OpenObserve's fields", () => {
    const answer = latest({});
    assert.equal(answer.total, 2);
    assert.equal(answer.size, 10, 'the size asked for');
    // Ordered by each trace's first span: "solo" (t0 + 120 s), then "root" (t0).
    assert.deepEqual(ids({}), [newer, older.traceId]);
    const trace = answer.hits.find((h) => h.trace_id === older.traceId);
    assert.deepEqual(trace, {
      trace_id: older.traceId,
      start_time: ns(t0),
      end_time: ns(t0 + 60_000 + 1),
      duration: (60_000 + 1) * 1000,
      spans: [4, 1],
      // Several services: each with its span count and its longest span (µs).
      service_name: [
        { service_name: 'svc', count: 3, duration: 100_000 },
        { service_name: 'svc2', count: 1, duration: 1000 },
      ],
      // The root span's service and operation.
      first_event: { service_name: 'svc', operation_name: 'root' },
      gen_ai_usage_input_tokens: 0,
      gen_ai_usage_output_tokens: 0,
      gen_ai_usage_total_tokens: 0,
      gen_ai_usage_cost: 0,
      gen_ai_input_messages: null,
      models: [],
    });
    assert.deepEqual(
      answer.hits.find((h) => h.trace_id === newer)?.service_name,
      [{ service_name: 'svc', count: 1, duration: 5000 }],
      'one service: its count and longest span',
    );
  });

  it('latest() aggregates the spans that match the filter, as OpenObserve does', () => {
    assert.deepEqual(ids({ filter: `operation_name = 'solo'` }), [newer]);
    const [hit] = latest({ filter: `span_status = 'ERROR'` }).hits;
    assert.equal(hit?.trace_id, older.traceId);
    assert.deepEqual(hit?.spans, [1, 1]);
    // No root among the matching spans: the earliest matching one names the trace.
    assert.deepEqual(hit?.first_event, { service_name: 'svc', operation_name: 'db' });
    assert.deepEqual(ids({ sort_by: 'duration' }), [older.traceId, newer]);
    assert.deepEqual(ids({ sort_by: 'duration', sort_order: 'asc' }), [newer, older.traceId]);
    assertQueryError(() => latest({ filter: '1 = 1; DELETE FROM "default"' }), 400, /must not contain ";"/);
    assertQueryError(() => latest({ filter: '1 = 1) OR (1 = 1' }), 400, /unbalanced/);
  });

  it('latest() refuses a missing start_time or end_time and an unknown sort_by, with 400', () => {
    const refused = (params: Record<string, string>, message: RegExp) =>
      assert.throws(
        () => store.latest('a', 'default', params),
        (err: unknown) => err instanceof QueryError && err.status === 400 && message.test(err.message),
      );
    refused({ end_time: range.end_time }, /^start_time is empty$/);
    refused({ start_time: '0', end_time: range.end_time }, /^start_time is empty$/);
    refused({ start_time: range.start_time }, /^end_time is empty$/);
    refused({ start_time: range.start_time, end_time: 'soon' }, /^end_time is empty$/);
    refused({ ...range, sort_by: 'name' }, /^Invalid sort_by field, only support duration and start_time$/);
  });

  it('details() returns every span of a trace in start order', () => {
    const details = JSON.parse(store.details('a', 'default', older.traceId.toUpperCase(), {})) as {
      trace_id: string;
      total: number;
      hits: Hit[];
    };
    assert.equal(details.trace_id, older.traceId);
    assert.equal(details.total, 4);
    assert.equal(column(details.hits), 'root upstream db other');
  });

  it('details() of an unknown trace: 400 without a time range, no spans with one (as OpenObserve)', () => {
    const noIndex = /A caller time range is required when the trace time index has no result/;
    assertQueryError(() => store.details('a', 'default', id(16), {}), 400, noIndex);
    assertQueryError(() => store.details('b', 'default', older.traceId, {}), 400, noIndex);
    const range = { start_time: '1', end_time: String(Date.now() * 1000) };
    const found = JSON.parse(store.details('a', 'default', 'xyz', range)) as { total: number; hits: Hit[] };
    assert.deepEqual([found.total, found.hits], [0, []]);
    assertQueryError(
      () => store.details('a', 'default', older.traceId, { start_time: '1' }),
      400,
      /together/,
    );
  });
});

describe('TraceStore retention', () => {
  it('maxAgeMs deletes the spans older than the limit, and only those', () => {
    const store = new TraceStore({ ...OPTIONS, maxAgeMs: 60 * MINUTE_MS });
    after(() => store.close());
    ingest(store, 'a', [
      { name: 'old', atMs: NOW_MS - 30 * MINUTE_MS },
      { name: 'new', atMs: NOW_MS - MINUTE_MS },
    ]);
    assert.equal(store.retain(NOW_MS), 0);
    // 45 minutes later the cut-off is 15 minutes before "now": the 30-minute-old span goes.
    assert.equal(store.retain(NOW_MS + 45 * MINUTE_MS), 1);
    assert.deepEqual(hitsOf(store, 'SELECT operation_name FROM "default"'), [{ operation_name: 'new' }]);
    assert.equal(store.retain(NOW_MS + 45 * MINUTE_MS), 0);
  });

  it('maxBytes deletes the oldest spans first until the data fits', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-retention-'));
    const path = join(dir, 'store.db');
    const maxBytes = 1 << 20;
    const store = new TraceStore({ ...OPTIONS, path, maxBytes });
    after(() => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const pad = 'x'.repeat(2000);
    const total = 1200;
    for (let batch = 0; batch < total / 100; batch++)
      ingest(
        store,
        'a',
        Array.from({ length: 100 }, (_, i) => {
          const n = batch * 100 + i;
          return {
            name: `s${String(n).padStart(4, '0')}`,
            atMs: NOW_MS - 2 * MINUTE_MS + n,
            attributes: { pad },
          };
        }),
      );
    const db = new DatabaseSync(path, { readOnly: true });
    after(() => db.close());
    assert.ok(usedBytes(db) > maxBytes, 'the test data is over the limit');

    const deleted = store.retain();
    assert.ok(deleted > 0 && deleted < total, `deleted ${deleted} of ${total}`);
    assert.ok(usedBytes(db) <= maxBytes, `${usedBytes(db)} bytes used, limit ${maxBytes}`);
    const kept = search(store, 'a', {
      sql: 'SELECT operation_name FROM "default" ORDER BY _timestamp',
      size: total,
    }).response.hits.map((h) => h.operation_name);
    // Exactly the newest spans are left.
    assert.equal(kept.length, total - deleted);
    assert.deepEqual(
      kept,
      Array.from({ length: total - deleted }, (_, i) => `s${String(deleted + i).padStart(4, '0')}`),
    );
  });
});
