/**
 * The Models page's rollups agree with the spans they summarize: counts, error rates, tokens and cost
 * exactly, latency percentiles within the histogram's ~6 %, and the gateway's own spans preferred
 * over an application's client spans for the same calls.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, it } from 'node:test';
import { TraceStore } from './trace-store.ts';

const NOW = Date.now();
let next = 1;
const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');

function llmSpan(
  model: string,
  durationMs: number,
  options: { error?: boolean; gateway?: boolean; atMs?: number } = {},
) {
  const start = BigInt(Math.round(options.atMs ?? NOW - 60_000)) * 1_000_000n;
  const attrs: Array<{ key: string; value: Record<string, unknown> }> = [
    { key: 'llm.model_name', value: { stringValue: model } },
    { key: 'openinference.span.kind', value: { stringValue: 'LLM' } },
    { key: 'llm.token_count.prompt', value: { intValue: 10 } },
    { key: 'llm.token_count.completion', value: { intValue: 20 } },
    { key: 'gen_ai.usage.cost', value: { doubleValue: 0.001 } },
  ];
  if (options.gateway !== false) attrs.push({ key: 'tollgate.model_group', value: { stringValue: model } });
  return {
    traceId: hex(next++, 32),
    spanId: hex(next++, 16),
    name: 'ChatCompletion',
    kind: 2,
    startTimeUnixNano: String(start),
    endTimeUnixNano: String(start + BigInt(Math.round(durationMs * 1e6))),
    status: { code: options.error ? 2 : 1 },
    attributes: attrs,
  };
}

describe('model rollups', () => {
  const store = new TraceStore({
    path: ':memory:',
    maxAgeMs: 0,
    maxBytes: 0,
    queryTimeLimitMs: 5000,
    maxBodyBytes: 1 << 24,
  });
  const spans = [
    ...Array.from({ length: 100 }, (_, i) => llmSpan('a', i + 1, { error: i % 10 === 0 })),
    ...Array.from({ length: 20 }, () => llmSpan('b', 200)),
    // An app's own client spans for the same calls: not counted once the gateway's are there.
    ...Array.from({ length: 30 }, () => llmSpan('a', 5, { gateway: false })),
  ];
  for (let i = 0; i < spans.length; i += 40) {
    const body = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: spans.slice(i, i + 40) }] }] });
    store.ingest({ org: 'default', bytes: Buffer.from(body), format: 'json' });
  }
  const stats = JSON.parse(
    store.models('default', 'default', { start_time: String((NOW - 3_600_000) * 1000), bucket_minutes: '5' }),
  ) as { models: Array<Record<string, number | string>>; buckets: Array<Record<string, number | string>> };

  it('counts requests, errors, tokens and cost exactly, per model', () => {
    const a = stats.models.find((m) => m.model === 'a');
    assert.ok(a);
    assert.equal(a.requests, 100);
    assert.equal(a.error_rate, 0.1);
    assert.equal(a.tokens_in, 1000);
    assert.equal(a.tokens_out, 2000);
    assert.ok(Math.abs(Number(a.cost) - 0.1) < 1e-9);
    assert.equal(stats.models[0]?.model, 'a', 'busiest first');
    assert.equal(stats.models.find((m) => m.model === 'b')?.requests, 20);
  });

  it('gives latency percentiles within the histogram resolution', () => {
    const a = stats.models.find((m) => m.model === 'a');
    const near = (actual: unknown, expectedMs: number) =>
      assert.ok(
        Math.abs(Number(actual) / 1000 - expectedMs) / expectedMs < 0.07,
        `${actual} µs vs ${expectedMs} ms`,
      );
    near(a?.p50, 50);
    near(a?.p90, 90);
    near(a?.p95, 95);
  });

  it('buckets by time for the charts', () => {
    const a = stats.buckets.filter((b) => b.model === 'a');
    assert.equal(
      a.reduce((n, b) => n + Number(b.requests), 0),
      100,
    );
    assert.ok(a.every((b) => Number(b.bucket) % (5 * 60_000_000) === 0));
  });
});

describe('model rollups for a store written before them', () => {
  it('are built from the stored spans when the schema is upgraded', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-rollup-'));
    const path = join(dir, 'traces.db');
    const open = () =>
      new TraceStore({ path, maxAgeMs: 0, maxBytes: 0, queryTimeLimitMs: 5000, maxBodyBytes: 1 << 24 });
    try {
      let store = open();
      const spans = Array.from({ length: 50 }, (_, i) =>
        llmSpan(i % 2 ? 'a' : 'b', 10 + i, { error: i % 5 === 0 }),
      );
      store.ingest({
        org: 'default',
        bytes: Buffer.from(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans }] }] })),
        format: 'json',
      });
      const before = JSON.parse(store.models('default', 'default', { start_time: '0' })).models;
      store.close();
      // As a schema-1 store left it: spans, no rollups.
      const db = new DatabaseSync(path);
      db.exec('DROP TABLE _model_minutes; PRAGMA user_version = 1;');
      db.close();
      store = open();
      assert.deepEqual(JSON.parse(store.models('default', 'default', { start_time: '0' })).models, before);
      store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
