/**
 * Golden tests of the OpenObserve flattening: recorded OTLP payloads (made by the OpenTelemetry JS SDK
 * and exported by its real protobuf and JSON exporters; a Python OpenInference span written from the
 * specification) must become exactly the rows in the `.rows.json` files beside them. Run with
 * UPDATE_GOLDEN=1 to rewrite those files after a deliberate change, then read the diff.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { flattenTraces } from '../src/store/flatten.ts';
import { stringify } from '../src/store/json.ts';
import { decodeTraceRequest } from '../src/store/otlp/decode.ts';
import { RECORDED_AT_MS } from './fixtures/otlp-golden/record.ts';

const dir = new URL('./fixtures/otlp-golden/', import.meta.url);

function rowsOf(file: string): Array<Record<string, unknown>> {
  const bytes = readFileSync(new URL(file, dir));
  const format = file.endsWith('.pb') ? 'protobuf' : 'json';
  const { rows, rejected } = flattenTraces(
    decodeTraceRequest(bytes, format, undefined, 1 << 20),
    'default',
    RECORDED_AT_MS,
  );
  assert.equal(rejected, 0);
  // Through JSON text, as the search API returns rows (bigint nanoseconds stay exact).
  return JSON.parse(stringify(rows)) as Array<Record<string, unknown>>;
}

function golden(file: string): Array<Record<string, unknown>> {
  const rows = rowsOf(file);
  const goldenFile = new URL(`${file}.rows.json`, dir);
  if (process.env.UPDATE_GOLDEN) writeFileSync(goldenFile, `${JSON.stringify(rows, null, 2)}\n`);
  assert.deepEqual(rows, JSON.parse(readFileSync(goldenFile, 'utf8')));
  return rows;
}

describe('OpenObserve flattening, pinned by recorded payloads', () => {
  it('turns the SDK spans from the protobuf exporter into the golden rows', () => {
    const [attempt, root] = golden('sdk-spans-0.pb');
    assert.ok(root && attempt);
    // The rules, spelled out (shared/reference/openobserve.md):
    assert.equal(root.operation_name, 'ChatCompletion');
    assert.equal(root.span_kind, '2');
    assert.equal(attempt.span_kind, '3');
    assert.equal(root.span_status, 'OK');
    assert.equal(attempt.span_status, 'ERROR');
    assert.equal(attempt.status_message, 'upstream answered 503');
    assert.equal(root.service_name, 'golden-app');
    assert.equal(root.service_service_version, '2.0.1');
    assert.equal(root.service_telemetry_sdk_language, 'nodejs');
    assert.equal(root.llm_token_count_prompt, 12);
    assert.equal(root.http_request_id, 'req-7', 'lowercased, non-[a-z0-9_] → _');
    assert.equal(root.attr_duration, 'an attribute named like a column');
    assert.equal(root.tollgate_retry_delays, '[120,480]', 'arrays as JSON strings');
    assert.equal(root.gen_ai_request_stream, false);
    assert.equal(root.duration, 250_500, 'duration in µs');
    assert.equal(root._timestamp, (RECORDED_AT_MS - 60_000) * 1000, '_timestamp in µs');
    assert.equal(root.start_time, (RECORDED_AT_MS - 60_000) * 1e6, 'start_time in ns');
    assert.equal(root.reference_parent_span_id, undefined, 'a root has no reference columns');
    assert.equal(attempt.reference_parent_span_id, root.span_id);
    assert.equal(attempt.reference_parent_trace_id, root.trace_id);
    assert.equal(attempt.reference_ref_type, 'ChildOf');
    assert.deepEqual(JSON.parse(String(attempt.events)), [
      { name: 'retry', _timestamp: (RECORDED_AT_MS - 60_000 + 6) * 1e6, delay_ms: 120, attempt: 1 },
    ]);
    assert.equal(root.gen_ai_usage_input_tokens, 12, 'LLM enrichment');
    assert.equal(root.gen_ai_usage_total_tokens, 42);
    assert.equal(attempt.gen_ai_usage_input_tokens, undefined, 'only LLM spans are enriched');
  });

  it('gives the same rows from the JSON exporter', () => {
    assert.deepEqual(golden('sdk-spans-0.json'), rowsOf('sdk-spans-0.pb'));
  });

  it('enriches a Python OpenInference span like OpenObserve, flattening nested lists', () => {
    const [row] = golden('python-openinference.json');
    assert.ok(row);
    assert.equal(row.span_kind, '1', 'enum names are accepted');
    assert.equal(row.gen_ai_operation_name, 'chat');
    assert.equal(row.gen_ai_response_model, 'gpt-4o-mini-2024-07-18');
    assert.equal(row.gen_ai_provider_name, 'openai');
    assert.equal(row.gen_ai_usage_input_tokens, 1000);
    assert.equal(row.gen_ai_usage_output_tokens, 500);
    assert.equal(row.gen_ai_usage_total_tokens, 1500);
    // gpt-4o-mini: $0.15 / M input, $0.60 / M output.
    assert.ok(Math.abs(Number(row.gen_ai_usage_cost) - (1000 * 0.15 + 500 * 0.6) / 1e6) < 1e-12);
    assert.equal(row.metadata_team, 'search');
    assert.equal(row.metadata_cost_center, 42);
    assert.equal(row.empty, undefined, 'nulls are dropped');
    assert.equal(row.service_openinference_project_name, 'litellm-proxy');
    assert.equal(row.duration, 1_234_567);
  });

  it('counts rejected spans with their reasons and keeps the others', () => {
    const hour = 3_600_000_000_000n;
    const now = BigInt(RECORDED_AT_MS) * 1_000_000n;
    const span = (fields: Record<string, unknown>) => ({
      traceId: 'a'.repeat(32),
      spanId: 'b'.repeat(16),
      name: 'x',
      startTimeUnixNano: String(now),
      endTimeUnixNano: String(now),
      ...fields,
    });
    const body = JSON.stringify({
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                span({}),
                span({ traceId: 'abc' }),
                span({ spanId: '00'.repeat(8) }),
                span({ startTimeUnixNano: String(now - 6n * hour) }),
                span({ startTimeUnixNano: String(now + 25n * hour) }),
              ],
            },
          ],
        },
      ],
    });
    const out = flattenTraces(
      decodeTraceRequest(Buffer.from(body), 'json', undefined, 1 << 20),
      'default',
      RECORDED_AT_MS,
    );
    assert.equal(out.rows.length, 1);
    assert.equal(out.rejected, 4);
    assert.deepEqual([...out.reasons.keys()].sort(), [
      'span id is not 8 bytes',
      'start time is more than 24 hours in the future',
      'start time is more than 5 hours old',
      'trace id is not 16 bytes',
    ]);
  });
});
