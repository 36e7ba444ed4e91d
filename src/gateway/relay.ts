/**
 * Relays a provider's stream events to the client as server-sent events, one write per upstream read.
 * It knows no event shapes: an event goes out as the upstream's own bytes when it has them, else
 * serialised once here. The consumer pulls, so a slow client slows the upstream read (backpressure); a
 * consumer that stops closes the upstream. A failure mid-stream becomes a last error event in the
 * client's dialect, never a hang or a silent cut. However the stream ends, its summary goes into the
 * record and the request's lifecycle hears that the gateway's work is over.
 */
import { GatewayError } from '../errors/gateway-error.ts';
import type { StreamEvent, StreamSuccess } from '../providers/spec.ts';
import type { RequestLifecycle } from './lifecycle.ts';
import type { AttemptRecord } from './record.ts';
import { recordStreamEnd } from './stream-end.ts';

/** How a failure mid-stream is told to the client, in its dialect. */
export type ErrorEvent = (error: GatewayError) => StreamEvent;

/** OpenAI's: a `data:` event holding the error body. */
export const openAiErrorEvent: ErrorEvent = (error) => ({ data: error.toJSON() });

export async function* relayStream(
  stream: StreamSuccess,
  lifecycle: RequestLifecycle,
  attempt: AttemptRecord,
  errorEvent: ErrorEvent,
): AsyncGenerator<string> {
  const record = lifecycle.record;
  try {
    for await (const batch of stream.events) {
      if (record.firstChunkMs === undefined) record.firstChunkMs = performance.now() - record.startedPerf;
      let out = '';
      for (const event of batch) out += event.raw ?? sseText(event);
      if (out !== '') yield out;
    }
  } catch (err) {
    // An abort is the client (or shutdown) ending the request, whatever the provider made of it.
    const error = lifecycle.abandoned ? lifecycle.abandonError() : asGatewayError(err);
    record.error = error;
    if (error.status !== 499) {
      let out = '';
      for (const event of stream.failEvents?.(error) ?? [errorEvent(error)]) out += sseText(event);
      if (out !== '') yield out;
    }
  } finally {
    attempt.endedAt = performance.timeOrigin + performance.now();
    if (lifecycle.abandoned) attempt.aborted = true;
    await recordStreamEnd(record, stream.summary, lifecycle.abandoned);
    lifecycle.workDone();
  }
}

/** One event as SSE text: an `event:` line when it is named, its data as JSON (or as the text it is). */
export function sseText(event: StreamEvent): string {
  const data = typeof event.data === 'string' ? event.data : JSON.stringify(event.data);
  return event.event === undefined ? `data: ${data}\n\n` : `event: ${event.event}\ndata: ${data}\n\n`;
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
