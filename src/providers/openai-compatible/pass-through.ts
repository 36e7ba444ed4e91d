/**
 * An OpenAI-compatible upstream's stream, passed through: each event keeps the upstream's exact bytes
 * for the client and is parsed once, for the summary. When the gateway asked for usage that the client
 * did not, what that adds — the usage chunk and `"usage":null` on every other chunk — is taken out, so
 * the client sees what it would have seen without the gateway.
 */
import { isJsonObject } from '../../shared/json.ts';
import { parseSse, type SseMessage } from '../http/sse-parser.ts';
import type { StreamEvent, StreamSummary } from '../spec.ts';
import { DONE, isUsageOnly, observeChunk } from './chat-stream.ts';

const USAGE_NULL = ',"usage":null';

export function passThrough(
  upstream: AsyncIterable<Buffer | string>,
  summary: StreamSummary,
  hideUsage: boolean,
): AsyncIterable<StreamEvent[]> {
  return parseSse(upstream, (message) => toEvent(message, summary, hideUsage));
}

function toEvent(message: SseMessage, summary: StreamSummary, hideUsage: boolean): StreamEvent | undefined {
  let chunk: unknown;
  try {
    chunk = message.data === DONE ? undefined : JSON.parse(message.data);
  } catch {
    chunk = undefined;
  }
  // [DONE], or not a chunk: not ours to judge; the client gets what the upstream sent, as it is.
  if (!isJsonObject(chunk)) return message;
  observeChunk(chunk, summary);
  if (!hideUsage) return { data: chunk, raw: message.raw };
  if (isUsageOnly(chunk)) return undefined;
  // A quote inside a JSON string value is escaped, so this exact text can only be the key itself.
  const raw = message.raw.includes(USAGE_NULL) ? message.raw.replace(USAGE_NULL, '') : message.raw;
  if (chunk.usage === null) delete chunk.usage;
  return { data: chunk, raw };
}
