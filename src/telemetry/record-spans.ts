/**
 * What a finished request is as spans: one request span (the caller's `traceparent` its parent, when
 * sent) and one client span per upstream attempt under it, with their ids, described once whatever
 * destinations they go to.
 */
import {
  defaultTextMapGetter,
  ROOT_CONTEXT,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { RandomIdGenerator } from '@opentelemetry/sdk-trace';
import type { RequestRecord } from '../gateway/record.ts';
import {
  type AttributeOptions,
  attemptSpanAttributes,
  REQUEST_SPAN_NAME,
  requestSpanAttributes,
} from './attributes.ts';
import { contextAttributes } from './context-attributes.ts';
import type { SpanEvent, SpanFields } from './finished-span.ts';

const ids = new RandomIdGenerator();
const propagator = new W3CTraceContextPropagator();
/** performance.now() is monotonic and sub-millisecond; spans want epoch time with the same precision. */
const epochMs = (perf: number) => performance.timeOrigin + perf;

export function recordSpans(record: RequestRecord, options: AttributeOptions): SpanFields[] {
  const headers = record.clientHeaders;
  const caller = trace.getSpanContext(propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter));
  const status = record.httpStatus ?? record.error?.status ?? 200;
  // A client that left is not a failure of the gateway or the model: its span says so, unset.
  const clientEnded = record.ending === 'client_closed' || record.ending === 'client_timeout';
  const failed = record.error !== undefined && record.error.status !== 499 && !clientEnded;
  const request: SpanFields = {
    name: REQUEST_SPAN_NAME[record.endpoint],
    kind: SpanKind.SERVER,
    context: spanContext(caller),
    parent: caller,
    startMs: epochMs(record.startedPerf),
    endMs: epochMs(record.finishedPerf ?? performance.now()),
    attributes: {
      ...requestSpanAttributes(record, status, options),
      ...contextAttributes(record.requestBody, headers, record.tags),
    },
    status: failed
      ? { code: SpanStatusCode.ERROR, message: record.error?.message }
      : { code: clientEnded ? SpanStatusCode.UNSET : SpanStatusCode.OK },
    events: [],
  };
  const spans = [request];
  for (const attempt of record.attempts) {
    const events: SpanEvent[] = attempt.dropped.map((param) => ({
      name: 'param_dropped',
      atMs: attempt.startedAt,
      attributes: { param },
    }));
    if (attempt.retryDelayMs !== undefined) {
      const attributes = { delay_ms: Math.round(attempt.retryDelayMs), attempt: attempt.attempt };
      events.unshift({ name: 'retry', atMs: attempt.startedAt, attributes });
    }
    spans.push({
      name: `upstream ${attempt.provider}`,
      kind: SpanKind.CLIENT,
      context: spanContext(request.context),
      parent: request.context,
      startMs: attempt.startedAt,
      endMs: attempt.endedAt ?? attempt.startedAt + attempt.latencyMs,
      attributes: attemptSpanAttributes(attempt),
      status: attempt.error
        ? { code: SpanStatusCode.ERROR, message: attempt.error.message }
        : { code: SpanStatusCode.UNSET },
      events,
    });
  }
  return spans;
}

/** A new span in the parent's trace, or in a new trace. */
function spanContext(parent: SpanContext | undefined): SpanContext {
  return {
    traceId: parent?.traceId ?? ids.generateTraceId(),
    spanId: ids.generateSpanId(),
    traceFlags: TraceFlags.SAMPLED,
  };
}
