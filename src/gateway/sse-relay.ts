/**
 * Relays a provider's events to the client as they arrive, one write per upstream read. The consumer
 * pulls, so a slow client slows the upstream read (backpressure); a consumer that stops closes the
 * upstream. A failure mid-stream becomes a final OpenAI error event, never a hang or a silent cut.
 */
import { GatewayError } from '../errors/gateway-error.ts';
import { readUsage } from '../providers/openai-compatible/usage.ts';
import type { SseEvent } from '../providers/spec.ts';
import type { JsonObject } from '../shared/json.ts';
import type { RequestRecord } from './record.ts';
import { withoutInjectedUsage } from './stream-usage.ts';
import { estimateUsage, prepareTokenizer } from './token-estimate.ts';

export async function* relayStream(
  batches: AsyncIterable<SseEvent[]>,
  record: RequestRecord,
  onEnd: (record: RequestRecord) => void,
): AsyncGenerator<string> {
  try {
    for await (const batch of batches) {
      if (record.firstChunkMs === undefined) record.firstChunkMs = performance.now() - record.startedPerf;
      let out = '';
      for (const event of batch) {
        const chunk = observe(event.data, record);
        const sent = record.usageInjected ? withoutInjectedUsage(event, chunk) : event;
        if (sent !== undefined) out += sent.raw ?? `data: ${sent.data}\n\n`;
      }
      if (out !== '') yield out;
    }
  } catch (err) {
    const error = asGatewayError(err);
    record.error = error;
    if (error.status !== 499) yield `data: ${JSON.stringify(error.toJSON())}\n\n`;
  } finally {
    if (record.usage === undefined && record.error === undefined && record.streamedText !== undefined) {
      // Loads once (the first such stream ends a little later); exact counts beat a guess in the trace.
      await prepareTokenizer();
      record.usage = estimateUsage(record.requestBody, record.streamedText);
      record.usageEstimated = true;
    }
    if (record.streamedText !== undefined) {
      const message = { role: 'assistant', content: record.streamedText };
      record.outputChoices = [{ index: 0, message, finish_reason: record.finishReason ?? null }];
      record.output = JSON.stringify(message);
    }
    record.finishedPerf = performance.now();
    onEnd(record);
  }
}

/** Picks usage, finish reason and the serving model out of OpenAI chunks as they pass. */
function observe(data: string, record: RequestRecord): JsonObject | undefined {
  if (data === '[DONE]') return undefined;
  let chunk: JsonObject;
  try {
    chunk = JSON.parse(data) as JsonObject;
  } catch {
    return undefined;
  }
  if (record.responseModel === undefined && typeof chunk.model === 'string')
    record.responseModel = chunk.model;
  const usage = readUsage(chunk.usage);
  if (usage) record.usage = usage;
  const choice = Array.isArray(chunk.choices) ? (chunk.choices[0] as JsonObject | undefined) : undefined;
  if (typeof choice?.finish_reason === 'string') record.finishReason = choice.finish_reason;
  const delta = choice?.delta as JsonObject | undefined;
  const text =
    typeof delta?.content === 'string'
      ? delta.content
      : typeof choice?.text === 'string'
        ? choice.text
        : undefined;
  if (text !== undefined) record.streamedText = (record.streamedText ?? '') + text;
  return chunk;
}

export function asGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  return new GatewayError('The gateway failed while relaying the stream', {
    status: 500,
    type: 'api_error',
    code: 'internal_error',
    retryable: false,
    cause: err,
  });
}
