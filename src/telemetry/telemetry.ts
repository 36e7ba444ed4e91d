/**
 * Span lifecycle: one request span and one attempt span per upstream call, built after the request is
 * over from its RequestRecord, handed to a bounded batch queue per export target. Never blocks or fails
 * a request: a full queue drops spans, an exporter that is down is retried by the exporter and logged.
 */
import type { IncomingHttpHeaders } from 'node:http';
import {
  context,
  defaultTextMapGetter,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { RequestRecord } from '../gateway/record.ts';
import {
  type AttributeOptions,
  attemptSpanAttributes,
  REQUEST_SPAN_NAME,
  requestSpanAttributes,
} from './attributes.ts';
import type { ExportTarget } from './export-targets.ts';

export interface Telemetry {
  /** Records a finished request; `headers` are the client's, for its `traceparent`. */
  record(record: RequestRecord, status: number, headers: IncomingHttpHeaders): void;
  /** Exports what is queued, within the exporters' timeouts. */
  shutdown(): Promise<void>;
}

export interface TelemetryOptions extends AttributeOptions {
  targets: ExportTarget[];
  serviceName: string;
  version: string;
}

const propagator = new W3CTraceContextPropagator();
/** performance.now() is monotonic and sub-millisecond; spans want epoch time with the same precision. */
const epochMs = (perf: number) => performance.timeOrigin + perf;

export function createTelemetry(options: TelemetryOptions): Telemetry | undefined {
  if (options.targets.length === 0) return undefined;
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      'service.name': options.serviceName,
      'service.version': options.version,
    }),
    spanProcessors: options.targets.map(
      (t) =>
        new BatchSpanProcessor({
          exporter: new OTLPTraceExporter({ url: t.url, headers: t.headers, timeoutMillis: t.timeoutMillis }),
          maxQueueSize: 4096,
          maxExportBatchSize: 512,
          scheduledDelayMillis: 1000,
          exportTimeoutMillis: t.timeoutMillis,
        }),
    ),
  });
  const tracer = provider.getTracer('tollgate', options.version);

  return {
    record(record, status, headers) {
      const parent = propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
      const span = tracer.startSpan(
        REQUEST_SPAN_NAME[record.endpoint],
        {
          kind: SpanKind.SERVER,
          startTime: epochMs(record.startedPerf),
          attributes: requestSpanAttributes(record, status, options),
        },
        parent,
      );
      const asParent = trace.setSpan(context.active(), span);
      for (const attempt of record.attempts) {
        const child = tracer.startSpan(
          `upstream ${attempt.provider}`,
          { kind: SpanKind.CLIENT, startTime: attempt.startedAt, attributes: attemptSpanAttributes(attempt) },
          asParent,
        );
        if (attempt.retryDelayMs !== undefined) {
          child.addEvent(
            'retry',
            { delay_ms: Math.round(attempt.retryDelayMs), attempt: attempt.attempt },
            attempt.startedAt,
          );
        }
        for (const param of attempt.dropped) child.addEvent('param_dropped', { param }, attempt.startedAt);
        if (attempt.error) child.setStatus({ code: SpanStatusCode.ERROR, message: attempt.error.message });
        child.end(attempt.startedAt + attempt.latencyMs);
      }
      // A client that left is not a failure of the gateway or the model.
      if (record.error && record.error.status !== 499)
        span.setStatus({ code: SpanStatusCode.ERROR, message: record.error.message });
      else span.setStatus({ code: SpanStatusCode.OK });
      span.end(epochMs(record.finishedPerf ?? performance.now()));
    },
    shutdown: () => provider.shutdown(),
  };
}
