/**
 * OpenObserve's SQL functions in the store's search (str_match, re_match, histogram,
 * approx_percentile_cont) and its documented error-rate alert query, run as written.
 * The rest of the search semantics: src/store/trace-store.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TraceStore } from '../src/store/trace-store.ts';

const NOW = Date.now();
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

function spans(count: number) {
  return Array.from({ length: count }, (_, i) => {
    const ns = `${BigInt(NOW - (count - i) * 60_000) * 1_000_000n}`;
    return {
      traceId: hex(i + 1, 32),
      spanId: hex(i + 1, 16),
      name: `op-${i}`,
      startTimeUnixNano: ns,
      endTimeUnixNano: ns,
      status: { code: i % 5 === 0 ? 2 : 1 },
      attributes: [
        { key: 'llm.model_name', value: { stringValue: i % 2 ? 'a' : 'b' } },
        { key: 'n', value: { intValue: i } },
      ],
    };
  });
}

describe("_search with OpenObserve's SQL functions", () => {
  const store = new TraceStore({
    path: ':memory:',
    maxAgeMs: 0,
    maxBytes: 0,
    queryTimeLimitMs: 5000,
    maxBodyBytes: 1 << 24,
  });
  const body = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: spans(30) }] }] });
  store.ingest({ org: 'default', bytes: Buffer.from(body), format: 'json' });
  const hits = (sql: string) =>
    (
      JSON.parse(store.search('default', { query: { sql, start_time: 0, end_time: 2 ** 60 } })) as {
        hits: Array<Record<string, unknown>>;
      }
    ).hits;

  it('runs the error-rate alert query of the OpenObserve docs as written', () => {
    const rows = hits(
      `SELECT llm_model_name, COUNT(*) FILTER (WHERE span_status = 'ERROR') * 1.0 / COUNT(*) AS error_rate FROM "default" GROUP BY llm_model_name HAVING error_rate > 0.05`,
    );
    assert.deepEqual(
      rows.sort((x, y) => String(x.llm_model_name).localeCompare(String(y.llm_model_name))),
      [
        { llm_model_name: 'a', error_rate: 3 / 15 },
        { llm_model_name: 'b', error_rate: 3 / 15 },
      ],
    );
  });

  it('has str_match, re_match, histogram and approx_percentile_cont', () => {
    const [row] = hits(
      `SELECT count(*) AS n, approx_percentile_cont(n, 0.5) AS p50, count(DISTINCT histogram(_timestamp, '10 minutes')) AS buckets
       FROM "default" WHERE str_match(operation_name, 'op-') AND re_match(operation_name, '^op-[0-9]+$')`,
    );
    assert.equal(row?.n, 30);
    assert.equal(row?.p50, 14.5);
    assert.ok(Number(row?.buckets) >= 3 && Number(row?.buckets) <= 4);
    assert.equal(
      hits(`SELECT * FROM "default" WHERE str_match_ignore_case(operation_name, 'OP-1')`).length,
      11,
    );
  });
});
