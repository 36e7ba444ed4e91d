/**
 * An application instrumented for OpenObserve sends its LLM spans to the embedded store over OTLP, and
 * reads back the `gen_ai_*` columns OpenObserve's ingest enrichment would have given them: one app with
 * OpenInference attributes (through the OpenTelemetry JS SDK's protobuf exporter), one with GenAI
 * attributes and events only (OTLP/JSON, as the Python SDK's HTTP exporter sends it).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Attributes, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { OPENINFERENCE_PYTHON_LLM } from './fixtures/llm/senders.ts';
import { testConfig } from './helpers/gateway-server.ts';
import { type Hit, type StoreGateway, startStoreGateway } from './helpers/store-gateway.ts';

/** OpenObserve requires the time range; the store takes it too. */
const RANGE = () => ({ start_time: 0, end_time: (Date.now() + 60_000) * 1000 });
const hexId = (bytes: number) => Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('hex');

describe('LLM spans from an application, enriched at ingest as OpenObserve does', () => {
  let s: StoreGateway;
  before(async () => {
    s = await startStoreGateway(testConfig({}));
  });
  after(() => s.close());

  const hit = async (name: string): Promise<Hit> => {
    const [row] = await s.waitForHits(`SELECT * FROM "default" WHERE operation_name = '${name}'`, 1, {
      query: RANGE(),
    });
    assert.ok(row);
    return row;
  };

  it('gives OpenInference spans the gen_ai_* columns', async () => {
    const provider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'weather-bot', 'service.version': '3.1.0' }),
      spanProcessors: [
        new BatchSpanProcessor({
          exporter: new OTLPTraceExporter({
            url: `${s.gateway.url}/api/default/v1/traces`,
            headers: { Authorization: 'Basic cm9vdEBleGFtcGxlLmNvbTpwYXNz' },
          }),
        }),
      ],
    });
    const span = provider.getTracer('openinference.instrumentation.openai').startSpan('ChatCompletion', {
      kind: SpanKind.INTERNAL,
      attributes: Object.fromEntries(OPENINFERENCE_PYTHON_LLM) as Attributes,
    });
    span.setStatus({ code: SpanStatusCode.OK });
    span.end();
    await provider.shutdown();

    const row = await hit('ChatCompletion');
    assert.equal(row.gen_ai_operation_name, 'chat');
    assert.equal(row.gen_ai_response_model, 'gpt-4o-mini-2024-07-18');
    assert.equal(row.gen_ai_provider_name, 'openai');
    assert.equal(row.gen_ai_usage_input_tokens, 82);
    assert.equal(row.gen_ai_usage_output_tokens, 17);
    assert.equal(row.gen_ai_usage_total_tokens, 99);
    assert.equal(typeof row.gen_ai_usage_cost, 'number');
    assert.ok(Number(row.gen_ai_usage_cost) > 0, 'priced from the model table');
    // A request parameter is an attribute column: answered as OpenObserve's string.
    assert.equal(row.gen_ai_request_temperature, '0.3');
    assert.equal(row.user_id, 'user-py-1');
    assert.equal(row.gen_ai_conversation_id, 'sess-py-1');
    assert.equal(row.gen_ai_input_messages, row.input_value);
    assert.equal(
      row.gen_ai_agent_version,
      '3.1.0',
      "the resource's service.version, as OpenObserve writes it",
    );
  });

  it('gives GenAI-only spans the same columns, their content events as messages', async () => {
    const now = BigInt(Date.now()) * 1_000_000n;
    const value = (v: unknown): Record<string, unknown> => {
      if (typeof v === 'string') return { stringValue: v };
      if (typeof v === 'boolean') return { boolValue: v };
      if (Number.isInteger(v)) return { intValue: String(v) };
      if (typeof v === 'number') return { doubleValue: v };
      if (Array.isArray(v)) return { arrayValue: { values: v.map(value) } };
      const entries = Object.entries(v as Record<string, unknown>);
      return { kvlistValue: { values: entries.map(([key, inner]) => ({ key, value: value(inner) })) } };
    };
    const kv = (o: Record<string, unknown>) =>
      Object.entries(o).map(([key, v]) => ({ key, value: value(v) }));
    const body = {
      resourceSpans: [
        {
          resource: {
            attributes: kv({ 'service.name': 'genai-app', 'deployment.environment.name': 'staging' }),
          },
          scopeSpans: [
            {
              scope: { name: 'opentelemetry.instrumentation.openai_v2', version: '2.1b0' },
              spans: [
                {
                  traceId: hexId(16),
                  spanId: hexId(8),
                  name: 'chat gpt-4o-mini',
                  kind: 3,
                  startTimeUnixNano: String(now),
                  endTimeUnixNano: String(now + 700_000_000n),
                  attributes: kv({
                    'gen_ai.operation.name': 'chat',
                    'gen_ai.system': 'openai',
                    'gen_ai.request.model': 'gpt-4o-mini',
                    'gen_ai.request.temperature': 0.5,
                    'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
                    'gen_ai.response.finish_reasons': ['stop'],
                    'gen_ai.usage.input_tokens': 1200,
                    'gen_ai.usage.output_tokens': 40,
                    'gen_ai.conversation.id': 'conv-42',
                  }),
                  events: [
                    {
                      timeUnixNano: String(now),
                      name: 'gen_ai.user.message',
                      attributes: kv({ 'gen_ai.system': 'openai', content: 'Capital of France?' }),
                    },
                    {
                      timeUnixNano: String(now + 600_000_000n),
                      name: 'gen_ai.choice',
                      attributes: kv({
                        index: 0,
                        finish_reason: 'stop',
                        message: { role: 'assistant', content: 'Paris.' },
                      }),
                    },
                  ],
                  status: { code: 1 },
                },
              ],
            },
          ],
        },
      ],
    };
    const response = await fetch(`${s.gateway.url}/api/default/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(response.status, 200);

    const row = await hit('chat gpt-4o-mini');
    assert.equal(row.gen_ai_operation_name, 'chat');
    assert.equal(row.gen_ai_response_model, 'gpt-4o-mini-2024-07-18');
    assert.equal(row.gen_ai_provider_name, 'openai');
    assert.equal(row.gen_ai_usage_input_tokens, 1200);
    assert.equal(row.gen_ai_usage_output_tokens, 40);
    assert.equal(row.gen_ai_usage_total_tokens, 1240);
    assert.ok(Number(row.gen_ai_usage_cost) > 0);
    assert.ok(Number(row.gen_ai_usage_cost_input) > 0);
    assert.equal(row.gen_ai_conversation_id, 'conv-42');
    assert.equal(row.deployment_environment_name, 'staging');
    assert.deepEqual(JSON.parse(String(row.gen_ai_input_messages)), [
      { role: 'user', 'gen_ai.system': 'openai', content: 'Capital of France?' },
    ]);
    assert.equal(row.gen_ai_output_messages_message_content, 'Paris.');
    assert.equal(row.gen_ai_output_messages_finish_reason, 'stop');

    const { body: sums } = await s.search(
      `SELECT SUM(gen_ai_usage_total_tokens) AS tokens FROM "default" WHERE gen_ai_conversation_id = 'conv-42'`,
      { query: RANGE() },
    );
    assert.deepEqual(sums.hits, [{ tokens: 1240 }], 'the columns are numbers a query can sum');
  });
});
