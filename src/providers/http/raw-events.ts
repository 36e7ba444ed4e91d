/**
 * A natively served stream (a dialect the upstream speaks itself): every event goes to the client as
 * the upstream's exact bytes, parsed once so the client's dialect can read it for the trace.
 */
import { isJsonObject } from '../../shared/json.ts';
import type { StreamEvent } from '../spec.ts';
import { parseSse } from './sse-parser.ts';

export function rawEvents(upstream: AsyncIterable<Buffer | string>): AsyncIterable<StreamEvent[]> {
  return parseSse(upstream, (message): StreamEvent => {
    let data: unknown;
    try {
      data = JSON.parse(message.data);
    } catch {
      data = undefined;
    }
    // Not JSON (a `[DONE]`, a comment-like line): passed on as it is, and not read.
    return { event: message.event, data: isJsonObject(data) ? data : message.data, raw: message.raw };
  });
}
