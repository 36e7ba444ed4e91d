/**
 * Golden tests of the span → row flattening (shared/reference/openobserve.md, "How a span becomes a
 * row"). The inputs are OTLP payloads recorded from the real OpenTelemetry JS SDK and exporters
 * (test/fixtures/otlp/record.ts) and a hand-written Python OpenInference payload; the expected rows are
 * the `.rows.json` files beside them. After a deliberate change, rewrite them with
 *
 *     UPDATE_GOLDEN=1 node_modules/.bin/node --test src/store/flatten.test.ts
 *
 * and read the diff. The explicit assertions below spell out the rules the goldens encode.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Row } from './columns.ts';
import { flattenTraces, rejectionMessage } from './flatten.ts';
import { bigintReplacer } from './json.ts';
import { decodeTraceRequest } from './otlp/decode.ts';
import type { OtlpResourceSpans } from './otlp/model.ts';

const fixtures = new URL('../../test/fixtures/otlp/', import.meta.url);
const UPDATE = process.env.UPDATE_GOLDEN === '1';

function decodeFixture(file: string): OtlpResourceSpans[] {
  const bytes = readFileSync(new URL(file, fixtures));
  return decodeTraceRequest(bytes, file.endsWith('.pb') ? 'protobuf' : 'json', undefined, 1 << 20);
}

/** "Now" one minute after the latest span of the fixture starts, so the 5-hour window accepts it. */
function nowFor(batch: OtlpResourceSpans[]): number {
  let latest = 0n;
  for (const s of batch.flatMap((rs) => rs.spans)) if (s.startNs > latest) latest = s.startNs;
  return Number(latest / 1_000_000n) + 60_000;
}

/** Integers too large for a double (nanosecond times) parse back as bigint, exactly as written. */
function parseExact(text: string): unknown {
  return JSON.parse(text, (_key, value, context?: { source?: string }) =>
    typeof value === 'number' && !Number.isSafeInteger(value) && /^-?\d+$/.test(context?.source ?? '')
      ? BigInt(context?.source as string)
      : value,
  );
}

function flattenFixture(file: string): Row[] {
  const batch = decodeFixture(file);
  const { rows, rejected } = flattenTraces(batch, 'default', nowFor(batch));
  assert.equal(rejected, 0, `${file}: no span of a fixture is rejected`);
  return rows;
}

/** Compares with (or, under UPDATE_GOLDEN=1, rewrites) `<file>.rows.json`. */
function checkGolden(file: string, rows: Row[]): void {
  const text = `${JSON.stringify(rows, bigintReplacer, 2)}\n`;
  const golden = new URL(`${file}.rows.json`, fixtures);
  if (UPDATE) writeFileSync(golden, text);
  // Through the same parser on both sides: plain objects, bigints kept exact.
  assert.deepEqual(parseExact(text), parseExact(readFileSync(golden, 'utf8')));
}

const byName = (rows: Row[], name: string): Row => {
  const row = rows.find((r) => r.operation_name === name);
  assert.ok(row, `a row for span ${name}`);
  return row;
};

describe('flattenTraces: golden rows', () => {
  for (const file of ['sdk-spans.pb', 'sdk-spans.json', 'python-openinference.json']) {
    it(`${file} flattens to ${file}.rows.json`, () => checkGolden(file, flattenFixture(file)));
  }

  it('the protobuf and the JSON exporter of the same spans give the same rows', () => {
    assert.deepEqual(flattenFixture('sdk-spans.pb'), flattenFixture('sdk-spans.json'));
  });
});

describe('flattenTraces: the rules the goldens encode', () => {
  const rows = flattenFixture('sdk-spans.pb');
  const llm = byName(rows, 'ChatCompletion');
  const client = byName(rows, 'POST /v1/chat/completions');
  const failed = byName(rows, 'fallback deployment');

  it('lowercases attribute keys and turns every other character into _', () => {
    assert.equal(llm.llm_token_count_prompt, 12);
    assert.equal(llm.llm_model_name, 'gpt-4o-mini');
    assert.equal(llm.http_request_id, 'req-0001');
    assert.equal(llm['Http.Request-Id'], undefined);
  });

  it('prefixes resource attributes with service_', () => {
    assert.equal(llm.service_name, 'tollgate');
    assert.equal(llm.service_service_version, '0.1.0');
    assert.equal(llm.service_telemetry_sdk_language, 'nodejs');
    assert.equal(client.service_service_version, '0.1.0');
  });

  it('stores an attribute that collides with a core column as attr_<key>', () => {
    assert.equal(llm.attr_duration, 'sent by the app');
    assert.equal(typeof llm.duration, 'number');
  });

  it("keeps scalar types (answers give OpenObserve's strings); arrays become JSON of OpenObserve's strings", () => {
    assert.equal(llm.tollgate_stream, false);
    assert.equal(llm.tollgate_time_to_first_token_s, 0.125);
    assert.equal(llm.tollgate_retry_delays_ms, '["100","200","400"]');
    assert.equal(llm.tollgate_tags, '["a","b"]');
    assert.equal(llm.llm_invocation_parameters, '{"temperature":0.2,"max_tokens":64}');
  });

  it('start_time/end_time in ns, duration and _timestamp in µs', () => {
    assert.equal(llm.start_time, 1793534400000000000n);
    assert.equal(llm.end_time, 1793534401234567891n);
    assert.equal(llm.duration, 1234567); // (end − start) / 1000, truncated
    assert.equal(llm._timestamp, 1793534400000000); // start / 1000
    assert.equal(client.duration, Number((1793534400900000123n - 1793534400001500000n) / 1000n));
    assert.equal(client._timestamp, 1793534400001500);
  });

  it('kind is the OTLP number as a string; status is OK, ERROR or UNSET', () => {
    assert.equal(llm.span_kind, '2');
    assert.equal(client.span_kind, '3');
    assert.equal(failed.span_kind, '1');
    assert.deepEqual([llm.span_status, llm.status_code], ['OK', 1]);
    assert.deepEqual([client.span_status, client.status_code], ['UNSET', 0]);
    assert.deepEqual(
      [failed.span_status, failed.status_code, failed.status_message],
      ['ERROR', 2, 'upstream returned 503'],
    );
  });

  it('reference_parent_* columns only on spans with a parent', () => {
    for (const column of ['reference_parent_span_id', 'reference_parent_trace_id', 'reference_ref_type'])
      assert.equal(llm[column], undefined, column);
    assert.equal(client.reference_parent_span_id, llm.span_id);
    assert.equal(client.reference_parent_trace_id, llm.trace_id);
    assert.equal(client.reference_ref_type, 'ChildOf');
    assert.match(String(llm.trace_id), /^[0-9a-f]{32}$/);
    assert.match(String(llm.span_id), /^[0-9a-f]{16}$/);
  });

  it("events and links are JSON strings in OpenObserve's shapes; event _timestamp is in ns", () => {
    // Inside the JSON, attribute keys stay as sent (OpenObserve flattens columns, not event contents)
    // and values are OpenObserve's strings.
    assert.equal(
      client.events,
      '[{"name":"retry","_timestamp":1793534400002000000,"retry.attempt":"1","retry.delay_ms":"250","error.type":"timeout"}]',
    );
    assert.equal(llm.events, '[]');
    // OpenObserve's SpanLink: camelCase context with the flags and trace state, attributes beside it.
    assert.equal(
      failed.links,
      `[{"context":{"traceId":"${llm.trace_id}","spanId":"${client.span_id}","traceFlags":257,"traceState":""},` +
        '"link.reason":"retry-of","droppedAttributesCount":0}]',
    );
    assert.equal(llm.links, '[]');
    assert.equal(llm.flags, 1);
  });

  it('enriches an OpenInference-only span (Python style) with gen_ai_* columns', () => {
    const [python] = flattenFixture('python-openinference.json');
    assert.ok(python);
    assert.equal(python.gen_ai_operation_name, 'chat');
    assert.equal(python.gen_ai_response_model, 'gpt-4o-mini');
    assert.equal(python.gen_ai_provider_name, 'openai');
    assert.equal(python.gen_ai_usage_input_tokens, 21);
    assert.equal(python.gen_ai_usage_output_tokens, 9);
    assert.equal(python.gen_ai_usage_total_tokens, 30);
    assert.equal(typeof python.gen_ai_usage_cost, 'number');
    assert.ok(Number(python.gen_ai_usage_cost) > 0);
    // intValue sent as strings arrives as numbers; upper-case hex ids are lowercased.
    assert.equal(python.llm_token_count_prompt, 21);
    assert.equal(python.trace_id, '5b8efff798038103d269b633813fc60c');
    assert.equal(python.span_kind, '1');
    assert.equal(python.service_telemetry_sdk_language, 'python');
  });

  it('flattens a kvlist attribute with _, lowercasing nested keys and dropping nulls', () => {
    const [python] = flattenFixture('python-openinference.json');
    assert.ok(python);
    assert.equal(python.request_context_user_id, 'u-42');
    assert.equal(python.request_context_session_tier, 'pro');
    assert.equal(python.request_context_session_turns, 3);
    assert.equal(python.request_context_tags, '["eval","beta"]');
    assert.equal('request_context_unset' in python, false);
  });

  it('service_name falls back to the stream name without a service.name resource attribute', () => {
    const [row] = flattenTraces([{ resource: [], spans: [span({})] }], 'my_stream', NOW_MS).rows;
    assert.equal(row?.service_name, 'my_stream');
  });
});

const NOW_MS = Date.UTC(2026, 10, 1, 12);
const NOW_NS = BigInt(NOW_MS) * 1_000_000n;
const HOUR_NS = 3_600_000_000_000n;

function span(overrides: Partial<OtlpResourceSpans['spans'][number]>): OtlpResourceSpans['spans'][number] {
  return {
    traceId: '0123456789abcdef0123456789abcdef',
    spanId: '0123456789abcdef',
    parentSpanId: '',
    traceState: '',
    name: 'op',
    kind: 1,
    startNs: NOW_NS,
    endNs: NOW_NS + 1_000_000n,
    attributes: [],
    events: [],
    links: [],
    statusCode: 0,
    statusMessage: '',
    flags: 0,
    ...overrides,
  };
}

describe('flattenTraces: rejected spans', () => {
  it('counts bad ids and out-of-window start times with reasons, and keeps the other spans', () => {
    const spans = [
      span({ name: 'ok' }),
      span({ name: 'short trace id', traceId: '0123456789abcdef' }),
      span({ name: 'zero trace id', traceId: '0'.repeat(32) }),
      span({ name: 'long span id', spanId: '0123456789abcdef00' }),
      span({ name: 'no span id', spanId: '' }),
      span({ name: 'old', startNs: NOW_NS - 5n * HOUR_NS - 1n, endNs: NOW_NS }),
      span({ name: 'ahead', startNs: NOW_NS + 24n * HOUR_NS + 1n, endNs: NOW_NS + 25n * HOUR_NS }),
      span({ name: 'just inside', startNs: NOW_NS - 5n * HOUR_NS + 1_000_000n }),
      span({ name: 'ends first', endNs: NOW_NS - 1n }),
    ];
    const out = flattenTraces([{ resource: [['service.name', 'svc']], spans }], 'default', NOW_MS);
    assert.deepEqual(
      out.rows.map((r) => r.operation_name),
      ['ok', 'just inside', 'ends first'],
    );
    assert.equal(out.rejected, 6);
    assert.deepEqual(Object.fromEntries(out.reasons), {
      'trace id is not 16 bytes': 2,
      'span id is not 8 bytes': 2,
      'start time is more than 5 hours old': 1,
      'start time is more than 24 hours in the future': 1,
    });
    assert.match(rejectionMessage(out.reasons), /2 span\(s\): trace id is not 16 bytes/);
    // A span that ends before it starts is kept with zero duration.
    const skewed = out.rows.find((r) => r.operation_name === 'ends first');
    assert.equal(skewed?.duration, 0);
    assert.equal(skewed?.end_time, skewed?.start_time);
  });

  it('rejects the same way after decoding OTLP/JSON', () => {
    const body = JSON.stringify({
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                { traceId: 'abcd', spanId: '0123456789abcdef', startTimeUnixNano: String(NOW_NS) },
                {
                  traceId: '0123456789abcdef0123456789abcdef',
                  spanId: '01',
                  startTimeUnixNano: String(NOW_NS),
                },
                {
                  traceId: '0123456789abcdef0123456789abcdef',
                  spanId: '0123456789abcdef',
                  startTimeUnixNano: String(NOW_NS - 6n * HOUR_NS),
                },
                {
                  traceId: '0123456789abcdef0123456789abcdef',
                  spanId: '0123456789abcdef',
                  startTimeUnixNano: String(NOW_NS),
                },
              ],
            },
          ],
        },
      ],
    });
    const batch = decodeTraceRequest(Buffer.from(body), 'json', undefined, 1 << 20);
    const out = flattenTraces(batch, 'default', NOW_MS);
    assert.equal(out.rows.length, 1);
    assert.equal(out.rejected, 3);
  });
});
