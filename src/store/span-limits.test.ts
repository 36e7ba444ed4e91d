/**
 * Hostile span senders, at small scale (issue 14, item 1): megabyte attribute keys, a span with 100k
 * attributes, thousands of distinct keys, oversized values. Each is stored within the span limits
 * (span-limits.ts) and reported back; the schema stays small; searches keep answering with the
 * legitimate spans; retention under a small size limit keeps them; a file poisoned before the caps
 * existed is searchable again once reopened.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, it } from 'node:test';
import {
  MAX_KEY_LENGTH,
  MAX_NEW_COLUMNS_PER_SPAN,
  MAX_SPAN_ATTRIBUTES,
  MAX_VALUE_CHARS,
  TRIM,
} from './span-limits.ts';
import { MAX_COLUMNS } from './stream-schema.ts';
import { TraceStore, type TraceStoreOptions } from './trace-store.ts';

const MB = 1024 * 1024;
const OPTIONS: TraceStoreOptions = {
  path: ':memory:',
  maxAgeMs: 0,
  maxBytes: 0,
  queryTimeLimitMs: 5000,
  maxBodyBytes: 64 * MB,
};

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-limits-'));
  dirs.push(dir);
  return join(dir, 'traces.db');
}

let counter = 0;
const hex = (bytes: number) => (++counter).toString(16).padStart(bytes * 2, '0');

type Attrs = Array<[string, string | number]>;

function span(name: string, attributes: Attrs) {
  const start = BigInt(Date.now()) * 1_000_000n;
  return {
    traceId: hex(16),
    spanId: hex(8),
    name,
    kind: 2,
    startTimeUnixNano: String(start),
    endTimeUnixNano: String(start + 1_000_000n),
    attributes: attributes.map(([key, v]) => ({
      key,
      value: typeof v === 'string' ? { stringValue: v } : { intValue: String(v) },
    })),
  };
}

function ingest(store: TraceStore, spans: ReturnType<typeof span>[], resource: Attrs = []) {
  const body = {
    resourceSpans: [
      {
        resource: { attributes: [['service.name', 'svc'] as [string, string], ...resource].map(attr) },
        scopeSpans: [{ spans }],
      },
    ],
  };
  return store.ingest({ org: 'default', bytes: Buffer.from(JSON.stringify(body)), format: 'json' });
}
const attr = ([key, v]: [string, string | number]) => ({
  key,
  value: typeof v === 'string' ? { stringValue: v } : { intValue: String(v) },
});

/** Ten legitimate spans, each with a few ordinary attributes. */
function legitimate(store: TraceStore, n = 10) {
  const spans = Array.from({ length: n }, (_, i) =>
    span('legit', [
      ['llm.model_name', 'gpt-4o-mini'],
      ['app.step', i],
    ]),
  );
  assert.equal(ingest(store, spans).accepted, n);
}

function search(store: TraceStore, sql: string): Array<Record<string, unknown>> {
  const body = { query: { sql, start_time: 0, end_time: Date.now() * 1000 + 60e6, size: 1000 } };
  return (JSON.parse(store.search('default', body)) as { hits: Array<Record<string, unknown>> }).hits;
}

function latestTraces(store: TraceStore): number {
  const params = { start_time: '1', end_time: String(Date.now() * 1000 + 60e6), size: '100' };
  return (JSON.parse(store.latest('default', 'default', params)) as { hits: unknown[] }).hits.length;
}

function columns(store: TraceStore): string[] {
  const schema = JSON.parse(store.streams('default', 'default')) as { schema: Array<{ name: string }> };
  return schema.schema.map((c) => c.name);
}

/** Characters of the stream table's CREATE statement: what every connection parses. */
function schemaChars(path: string): number {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return (
      db.prepare("SELECT max(length(sql)) AS n FROM sqlite_schema WHERE name LIKE 'stream_%'").get() as {
        n: number;
      }
    ).n;
  } finally {
    db.close();
  }
}

describe('span limits: hostile attribute keys and counts', () => {
  it('drops megabyte keys with a counted reason; the schema stays small and searches answer', () => {
    const path = tempFile();
    const store = new TraceStore({ ...OPTIONS, path });
    try {
      legitimate(store);
      // The reported attack: a few 1 MB keys per span, request after request.
      const results = [];
      for (let round = 0; round < 8; round++) {
        const keys: Attrs = [0, 1, 2].map((k) => [`${String.fromCharCode(97 + k + round)}`.repeat(MB), 'x']);
        results.push(ingest(store, [span('attack', [...keys, ['ok.key', round]])]));
      }
      assert.ok(schemaChars(path) < 10_000, `schema of ${schemaChars(path)} characters`);
      assert.ok(columns(store).every((c) => c.length <= MAX_KEY_LENGTH));
      assert.equal(search(store, `SELECT * FROM "default" WHERE operation_name = 'legit'`).length, 10);
      assert.equal(search(store, `SELECT * FROM "default" WHERE ok_key IS NOT NULL`).length, 8);
      for (const result of results) {
        assert.equal(result.accepted, 1);
        assert.equal(result.rejected, 0);
        assert.equal(result.trimmed[TRIM.keyTooLong], 3);
        assert.match(result.message, /3 attribute\(s\) dropped: key longer than 256 characters/);
      }
      assert.equal(latestTraces(store), 18);
    } finally {
      store.close();
    }
  });

  it('a span with 100k attributes keeps 1,000, adds at most 200 columns, and leaves room for others', () => {
    const store = new TraceStore(OPTIONS);
    try {
      legitimate(store);
      const before = columns(store).length;
      const many: Attrs = Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i]);
      const result = ingest(store, [span('wide', many)]);
      assert.equal(result.accepted, 1);
      const after = columns(store);
      // The new columns, plus `_overflow`, which holds the span's other kept attributes.
      assert.equal(after.length, before + MAX_NEW_COLUMNS_PER_SPAN + 1);
      const [wide] = search(store, `SELECT k0, _overflow FROM "default" WHERE operation_name = 'wide'`);
      assert.equal(wide?.k0, '0');
      const overflow = JSON.parse(String(wide?._overflow)) as Record<string, number>;
      assert.equal(overflow.k999, 999);
      assert.equal(Object.keys(overflow).length, MAX_SPAN_ATTRIBUTES - MAX_NEW_COLUMNS_PER_SPAN);
      // The stream still takes new attributes as columns.
      ingest(store, [span('later', [['app.new_attribute', 'yes']])]);
      assert.ok(columns(store).includes('app_new_attribute'));
      assert.equal(search(store, `SELECT * FROM "default" WHERE operation_name = 'legit'`).length, 10);
      assert.equal(result.trimmed[TRIM.tooMany], 100_000 - MAX_SPAN_ATTRIBUTES);
      assert.equal(result.trimmed[TRIM.newColumns], MAX_SPAN_ATTRIBUTES - MAX_NEW_COLUMNS_PER_SPAN);
    } finally {
      store.close();
    }
  });

  it('10,000 spans with distinct keys: the columns stay within the budget and searches answer', () => {
    const store = new TraceStore(OPTIONS);
    try {
      legitimate(store);
      for (let batch = 0; batch < 10; batch++) {
        const spans = Array.from({ length: 1000 }, (_, i) => span('distinct', [[`d${batch}_${i}`, i]]));
        assert.equal(ingest(store, spans).accepted, 1000);
      }
      const names = columns(store);
      assert.ok(names.length <= MAX_COLUMNS + 1, `${names.length} columns`);
      assert.ok(names.includes('_overflow'));
      assert.equal(search(store, `SELECT * FROM "default" WHERE operation_name = 'legit'`).length, 10);
      assert.equal(search(store, `SELECT count(*) AS n FROM "default"`)[0]?.n, 10_010);
      assert.equal(latestTraces(store), 100);
    } finally {
      store.close();
    }
  });

  it('cuts values to the value limit and drops attributes past the span size limit', () => {
    const store = new TraceStore(OPTIONS);
    try {
      const huge = 'v'.repeat(MAX_VALUE_CHARS + 10);
      const five: Attrs = Array.from({ length: 5 }, (_, i) => [`big${i}`, huge]);
      const result = ingest(store, [span('big', five)]);
      const [row] = search(store, `SELECT length(big0) AS n FROM "default"`);
      assert.equal(row?.n, MAX_VALUE_CHARS);
      assert.deepEqual(
        columns(store).filter((c) => c.startsWith('big')),
        ['big0', 'big1', 'big2'],
      );
      assert.equal(result.trimmed[TRIM.truncated], 3);
      assert.equal(result.trimmed[TRIM.tooBig], 2);
    } finally {
      store.close();
    }
  });
});

describe('span limits: retention and poisoned files', () => {
  it('retention under a small size limit keeps the legitimate spans after an attack', () => {
    const path = tempFile();
    const store = new TraceStore({ ...OPTIONS, path, maxBytes: 2 * MB });
    try {
      for (let i = 0; i < 20; i++) legitimate(store, 100);
      for (let round = 0; round < 4; round++)
        ingest(store, [
          span(
            'attack',
            [0, 1, 2].map((k) => [`${'k'.repeat(MB)}${round}${k}`, 'x']),
          ),
        ]);
      assert.equal(store.retain(), 0);
      assert.equal(
        search(store, `SELECT count(*) AS n FROM "default" WHERE operation_name = 'legit'`)[0]?.n,
        2000,
      );
    } finally {
      store.close();
    }
  });

  it('deletes no span for size when what is over the limit is not spans', () => {
    const path = tempFile();
    const store = new TraceStore({ ...OPTIONS, path, maxBytes: 2 * MB });
    try {
      legitimate(store, 500);
      // Three megabytes the spans have no part in (as a bloated schema once was).
      const other = new DatabaseSync(path);
      other.exec(
        'CREATE TABLE bloat AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) SELECT randomblob(1000) AS b FROM n',
      );
      other.close();
      assert.equal(store.retain(), 0);
      assert.equal(search(store, `SELECT count(*) AS n FROM "default"`)[0]?.n, 500);
    } finally {
      store.close();
    }
  });

  it('a file poisoned by megabyte column names is searchable again when reopened', () => {
    const path = tempFile();
    const first = new TraceStore({ ...OPTIONS, path });
    legitimate(first);
    first.close();
    // What the attack left before the caps: columns named by 600,000-character keys.
    const db = new DatabaseSync(path);
    const { id } = db.prepare('SELECT id FROM _streams').get() as { id: number };
    for (const c of ['p', 'q']) {
      const name = c.repeat(600_000);
      db.exec(`ALTER TABLE stream_${id} ADD COLUMN "${name}"`);
      db.prepare('INSERT INTO _columns (stream_id, name, type) VALUES (?, ?, ?)').run(id, name, 'Utf8');
    }
    db.exec('PRAGMA user_version = 2');
    db.close();
    const store = new TraceStore({ ...OPTIONS, path, maxBodyBytes: MB });
    try {
      assert.equal(search(store, `SELECT * FROM "default"`).length, 10);
      assert.equal(latestTraces(store), 10);
      assert.ok(columns(store).every((c) => c.length <= MAX_KEY_LENGTH));
    } finally {
      store.close();
    }
  });
});
