/**
 * A span recorded after the fact. The gateway knows everything about a request only once it is over,
 * so instead of running the SDK's live Span machinery (which re-validates every attribute twice per
 * span) it describes each finished span once (`SpanFields`, ids included) and turns that into what
 * each destination takes: a ReadableSpan for the OTLP batch processors (here), the store's own span
 * model for the embedded store (`store-span.ts`).
 */
import type { Attributes, HrTime, SpanContext, SpanKind, SpanStatus } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace';

export interface SpanEvent {
  name: string;
  atMs: number;
  attributes: Attributes;
}

export interface SpanFields {
  name: string;
  kind: SpanKind;
  /** This span's ids: the same in every destination, so a trace reads alike in OpenObserve and the store. */
  context: SpanContext;
  /** The parent, when there is one: the caller's (from `traceparent`) or the request span. */
  parent?: SpanContext;
  startMs: number;
  endMs: number;
  attributes: Attributes;
  status: SpanStatus;
  events: SpanEvent[];
}

export function finishedSpan(
  fields: SpanFields,
  resource: Resource,
  scope: InstrumentationScope,
): ReadableSpan {
  const events: TimedEvent[] = fields.events.map((e) => ({
    name: e.name,
    time: hrTime(e.atMs),
    attributes: e.attributes,
    droppedAttributesCount: 0,
  }));
  return {
    name: fields.name,
    kind: fields.kind,
    spanContext: () => fields.context,
    parentSpanContext: fields.parent,
    startTime: hrTime(fields.startMs),
    endTime: hrTime(fields.endMs),
    duration: hrTime(Math.max(0, fields.endMs - fields.startMs)),
    status: fields.status,
    attributes: fields.attributes,
    links: [],
    events,
    ended: true,
    resource,
    instrumentationScope: scope,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}

/** Milliseconds (epoch, fractional) → [seconds, nanoseconds]. */
export function hrTime(ms: number): HrTime {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.round((ms - seconds * 1000) * 1e6)];
}
