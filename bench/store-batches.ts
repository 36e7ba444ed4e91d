// OTLP/protobuf batches of spans shaped like Tollgate's own (a ChatCompletion span and its attempt
// span per trace, ~30 attributes, prompts and answers), spread over the last four hours so that time
// ranges select a part of them. Encoded once up front, so the senders measure the store, not us.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';

const root = protobuf.parse(
  readFileSync(new URL('../src/store/otlp/trace.proto', import.meta.url), 'utf8'),
).root;
const Request = root.lookupType('otlp.ExportTraceServiceRequest');

export const MODELS = ['gpt-4o-mini', 'gpt-4o', 'claude-3-5-sonnet', 'llama-3.1-70b'];
const HOUR_NS = 3_600_000_000_000n;

const str = (key: string, stringValue: string) => ({ key, value: { stringValue } });
const int = (key: string, intValue: number) => ({ key, value: { intValue } });
const dbl = (key: string, doubleValue: number) => ({ key, value: { doubleValue } });

function traceSpans(now: bigint, i: number, traceIds: string[]) {
  const traceId = randomBytes(16);
  const requestId = randomBytes(8);
  if (i % 997 === 0) traceIds.push(traceId.toString('hex'));
  const model = MODELS[i % MODELS.length] as string;
  // Newer batches are newer spans: the last batch ends now, the first starts four hours ago.
  const start = now - BigInt(Math.floor(Math.random() * 1000)) * 1_000_000n;
  const prompt = 10 + (i % 50);
  const completion = 20 + (i % 200);
  const request = {
    traceId,
    spanId: requestId,
    name: 'ChatCompletion',
    kind: 2,
    startTimeUnixNano: start,
    endTimeUnixNano: start + BigInt(50 + (i % 500)) * 1_000_000n,
    status: { code: i % 50 === 0 ? 2 : 1, message: i % 50 === 0 ? 'upstream error' : '' },
    attributes: [
      str('llm.model_name', model),
      str('gen_ai.response.model', `${model}-2024-07-18`),
      str('llm.system', 'openai'),
      str('llm.provider', 'openai'),
      int('llm.token_count.prompt', prompt),
      int('llm.token_count.completion', completion),
      int('llm.token_count.total', prompt + completion),
      str('llm.request.parameters.model', model),
      str('llm.invocation_parameters', '{"temperature":0.2,"max_tokens":256}'),
      str('llm.observation.type', 'GENERATION'),
      str('openinference.span.kind', 'LLM'),
      str('input.mime_type', 'application/json'),
      str('output.mime_type', 'application/json'),
      str(
        'input.value',
        `{"model":"${model}","messages":[{"role":"user","content":"Question number ${i}: what is the capital of France?"}]}`,
      ),
      str('output.value', 'The capital of France is Paris. It has been the capital since the 10th century.'),
      str('llm.input_messages.0.message.role', 'user'),
      str('llm.input_messages.0.message.content', `Question number ${i}: what is the capital of France?`),
      str('llm.output_messages.0.message.role', 'assistant'),
      str('llm.output_messages.0.message.content', 'The capital of France is Paris.'),
      str('llm.finish_reason', 'stop'),
      str('gen_ai.operation.name', 'chat'),
      str('gen_ai.provider.name', 'openai'),
      str('gen_ai.request.model', model),
      int('gen_ai.usage.input_tokens', prompt),
      int('gen_ai.usage.output_tokens', completion),
      dbl('gen_ai.usage.cost', (prompt * 0.15 + completion * 0.6) / 1e6),
      str('tollgate.model_group', model),
      str('tollgate.deployment.id', 'a1b2c3d4e5f6'),
      int('tollgate.attempts', 1),
      int('http.response.status_code', i % 50 === 0 ? 502 : 200),
    ],
  };
  const attempt = {
    traceId,
    spanId: randomBytes(8),
    parentSpanId: requestId,
    name: 'upstream openai',
    kind: 3,
    startTimeUnixNano: start + 1_000_000n,
    endTimeUnixNano: start + BigInt(40 + (i % 500)) * 1_000_000n,
    status: { code: 0 },
    attributes: [
      str('tollgate.deployment.id', 'a1b2c3d4e5f6'),
      int('tollgate.attempt', 1),
      str('tollgate.deployment.model', model),
      str('server.address', 'api.openai.com'),
      int('server.port', 443),
      int('http.response.status_code', 200),
    ],
  };
  return [request, attempt];
}

export function encodeBatches(count: number, size: number) {
  const sampleTraceIds: string[] = [];
  const batches: Uint8Array[] = [];
  const now = BigInt(Date.now()) * 1_000_000n;
  let i = 0;
  for (let b = 0; b < count; b++) {
    // Batch b covers its slice of the last four hours, oldest first.
    const at = now - 4n * HOUR_NS + (4n * HOUR_NS * BigInt(b)) / BigInt(Math.max(1, count));
    const spans = [];
    for (let s = 0; s < size / 2; s++) spans.push(...traceSpans(at, i++, sampleTraceIds));
    const message = Request.fromObject({
      resourceSpans: [
        {
          resource: { attributes: [str('service.name', 'tollgate'), str('service.version', '0.1.0')] },
          scopeSpans: [{ scope: { name: 'tollgate' }, spans }],
        },
      ],
    });
    batches.push(Request.encode(message).finish());
  }
  return { batches, sampleTraceIds, models: MODELS };
}
