/**
 * Three LLM traces in two sessions and two users, sent over OTLP/JSON with OpenObserve's `gen_ai.*`
 * attributes, for the tests of the session, user, values and trace endpoints. Times are exact
 * nanoseconds (bigints), ten minutes ago, so the expected answers can be written out in full.
 */
export const BASE_NS = BigInt(Math.floor(Date.now() / 1000) - 600) * 1_000_000_000n;
export const SECOND_NS = 1_000_000_000n;
export const TRACE_A = 'a'.repeat(32);
export const TRACE_B = 'b'.repeat(32);
export const TRACE_C = 'c'.repeat(32);
export const MESSAGES = JSON.stringify([
  { role: 'system', content: 'be brief' },
  { role: 'user', content: 'hello there' },
]);

interface SpanSpec {
  traceId: string;
  spanId: string;
  parent?: string;
  name: string;
  startS: number;
  endS: number;
  error?: boolean;
  attributes?: Record<string, string | number>;
}

const llm = (session: string, user: string, input: number, output: number, cost: number, model: string) => ({
  'gen_ai.conversation.id': session,
  'user.id': user,
  'gen_ai.usage.input_tokens': input,
  'gen_ai.usage.output_tokens': output,
  'gen_ai.usage.total_tokens': input + output,
  'gen_ai.usage.cost': cost,
  'gen_ai.response.model': model,
});

export const SPANS: SpanSpec[] = [
  {
    traceId: TRACE_A,
    spanId: 'a000000000000001',
    name: 'chat',
    startS: 0,
    endS: 2,
    attributes: { ...llm('s1', 'u1', 10, 5, 0.5, 'm1'), 'gen_ai.input_messages': MESSAGES },
  },
  {
    traceId: TRACE_A,
    spanId: 'a000000000000002',
    parent: 'a000000000000001',
    name: 'tool',
    startS: 0.5,
    endS: 1,
    error: true,
  },
  {
    traceId: TRACE_B,
    spanId: 'b000000000000001',
    name: 'chat',
    startS: 60,
    endS: 61,
    attributes: llm('s1', 'u2', 20, 10, 1.25, 'm2'),
  },
  {
    traceId: TRACE_C,
    spanId: 'c000000000000001',
    name: 'chat',
    startS: 120,
    endS: 123,
    attributes: llm('s2', 'u1', 1, 1, 0.25, 'm1'),
  },
];

export function ns(seconds: number): bigint {
  return BASE_NS + BigInt(Math.round(seconds * 1000)) * 1_000_000n;
}

/** The OTLP/JSON body of `spans`, from service `app`. */
export function otlpBody(spans: SpanSpec[] = SPANS): string {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'app' } }] },
        scopeSpans: [
          {
            spans: spans.map((s) => ({
              traceId: s.traceId,
              spanId: s.spanId,
              parentSpanId: s.parent ?? '',
              name: s.name,
              kind: 1,
              startTimeUnixNano: String(ns(s.startS)),
              endTimeUnixNano: String(ns(s.endS)),
              status: { code: s.error ? 2 : 1 },
              attributes: Object.entries(s.attributes ?? {}).map(([key, v]) => ({
                key,
                value:
                  typeof v === 'string'
                    ? { stringValue: v }
                    : Number.isInteger(v)
                      ? { intValue: v }
                      : { doubleValue: v },
              })),
            })),
          },
        ],
      },
    ],
  });
}

/** Posts the spans to `url` (an OTLP/HTTP path) into `stream`. */
export async function sendLlmSpans(url: string, stream: string, spans: SpanSpec[] = SPANS): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stream-name': stream },
    body: otlpBody(spans),
  });
  if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
}

/** JSON with integers past 2^53 read exactly, as bigints (nanosecond times). */
export function exactJson(text: string): unknown {
  const reviver = (_key: string, value: unknown, context?: { source?: string }) =>
    typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value) && context?.source
      ? BigInt(context.source)
      : value;
  return JSON.parse(text, reviver as (key: string, value: unknown) => unknown);
}

/** `took` varies from run to run. */
export function withoutTook<T>(value: T): T {
  return JSON.parse(
    JSON.stringify(value, (k, v) => (k === 'took' ? 0 : typeof v === 'bigint' ? `${v}n` : v)),
    (_k, v) => (typeof v === 'string' && /^\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v),
  ) as T;
}
