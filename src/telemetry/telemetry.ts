/**
 * Span lifecycle: one request span and one attempt span per upstream call, built after the request is
 * over from its RequestRecord and handed to a bounded batch queue per export target. Never blocks or
 * fails a request: a full queue drops spans, an exporter that is down is retried by the exporter.
 */
import { hostname } from 'node:os';
import {
  defaultTextMapGetter,
  ROOT_CONTEXT,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace';
import type { RequestRecord } from '../gateway/record.ts';
import {
  type AttributeOptions,
  attemptSpanAttributes,
  REQUEST_SPAN_NAME,
  requestSpanAttributes,
} from './attributes.ts';
import { contextAttributes } from './context-attributes.ts';
import { installExportLog, type WarnLog } from './export-log.ts';
import type { ExportTarget } from './export-targets.ts';
import { finishedSpan, type SpanEvent } from './finished-span.ts';

export interface Telemetry {
  /** Records a finished request (a gateway's finish subscriber): one request span, one per attempt. */
  record(record: RequestRecord): void;
  /** Exports what is queued, within the exporters' timeouts. */
  shutdown(): Promise<void>;
}

export interface TelemetryOptions extends AttributeOptions {
  targets: ExportTarget[];
  /** In-process exporters (the embedded store), alongside the OTLP targets. */
  exporters?: SpanExporter[];
  /** Where export failures and dropped spans are reported, once a minute. */
  log?: WarnLog;
  /** Spans held while the backend is slow or down; beyond it new spans are dropped (and counted). */
  maxQueueSize?: number;
  serviceName: string;
  version: string;
}

const propagator = new W3CTraceContextPropagator();
/** performance.now() is monotonic and sub-millisecond; spans want epoch time with the same precision. */
const epochMs = (perf: number) => performance.timeOrigin + perf;

export function createTelemetry(options: TelemetryOptions): Telemetry | undefined {
  if (options.targets.length === 0 && (options.exporters ?? []).length === 0) return undefined;
  const stopExportLog = options.log ? installExportLog(options.log) : () => {};
  const resource = resourceFromAttributes({
    'service.name': options.serviceName,
    'service.version': options.version,
    // Tells replicas and --num_workers processes apart in the trace (host and process id).
    'service.instance.id': `${hostname()}-${process.pid}`,
  });
  const scope = { name: 'tollgate', version: options.version };
  const processor = (exporter: SpanExporter, timeoutMillis: number) =>
    new BatchSpanProcessor({
      exporter,
      maxQueueSize: options.maxQueueSize ?? 2048,
      maxExportBatchSize: 256,
      scheduledDelayMillis: 250,
      exportTimeoutMillis: timeoutMillis,
    });
  const processors = [
    ...options.targets.map((t) =>
      processor(
        new OTLPTraceExporter({ url: t.url, headers: t.headers, timeoutMillis: t.timeoutMillis }),
        t.timeoutMillis,
      ),
    ),
    ...(options.exporters ?? []).map((e) => processor(e, 10_000)),
  ];
  const emit = (fields: Parameters<typeof finishedSpan>[0]): SpanContext => {
    const span = finishedSpan(fields, resource, scope);
    for (const p of processors) p.onEnd(span);
    return span.spanContext();
  };

  return {
    record(record) {
      const headers = record.clientHeaders;
      const caller = trace.getSpanContext(propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter));
      const status = record.httpStatus ?? record.error?.status ?? 200;
      // A client that left is not a failure of the gateway or the model: its span says so, unset.
      const clientEnded = record.ending === 'client_closed' || record.ending === 'client_timeout';
      const failed = record.error !== undefined && record.error.status !== 499 && !clientEnded;
      const requestSpan = emit({
        name: REQUEST_SPAN_NAME[record.endpoint],
        kind: SpanKind.SERVER,
        parent: caller,
        startMs: epochMs(record.startedPerf),
        endMs: epochMs(record.finishedPerf ?? performance.now()),
        attributes: {
          ...requestSpanAttributes(record, status, options),
          ...contextAttributes(record.requestBody, headers),
        },
        status: failed
          ? { code: SpanStatusCode.ERROR, message: record.error?.message }
          : { code: clientEnded ? SpanStatusCode.UNSET : SpanStatusCode.OK },
      });
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
        emit({
          name: `upstream ${attempt.provider}`,
          kind: SpanKind.CLIENT,
          parent: requestSpan,
          startMs: attempt.startedAt,
          endMs: attempt.endedAt ?? attempt.startedAt + attempt.latencyMs,
          attributes: attemptSpanAttributes(attempt),
          status: attempt.error
            ? { code: SpanStatusCode.ERROR, message: attempt.error.message }
            : { code: SpanStatusCode.UNSET },
          events,
        });
      }
    },
    shutdown: async () => {
      try {
        await Promise.all(processors.map((p) => p.shutdown()));
      } finally {
        stopExportLog();
      }
    },
  };
}
