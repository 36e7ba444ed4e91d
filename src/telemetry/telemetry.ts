/**
 * Span lifecycle: one request span and one attempt span per upstream call, built after the request is
 * over from its RequestRecord and handed to a bounded queue per destination: a batch span processor
 * per OTLP target, and the embedded store's own queue (`store-exporter.ts`), which takes the spans in
 * the store's model rather than as OTLP. Never blocks or fails a request: a full queue drops spans, an
 * exporter that is down is retried by the exporter.
 */
import { hostname } from 'node:os';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace';
import type { RequestRecord } from '../gateway/record.ts';
import type { ExportState } from '../shared/export-state.ts';
import type { AttributeOptions } from './attributes.ts';
import { ExportHealth, type HealthLog } from './export-health.ts';
import { type ExportReport, installExportLog } from './export-log.ts';
import type { ExportTarget } from './export-targets.ts';
import { finishedSpan } from './finished-span.ts';
import { recordSpans } from './record-spans.ts';
import { type StoreTarget, storeSpanQueue } from './store-exporter.ts';

export interface Telemetry {
  /** Records a finished request (a gateway's finish subscriber): one request span, one per attempt. */
  record(record: RequestRecord): void;
  /** Exports what is queued, within the exporters' timeouts. */
  shutdown(): Promise<void>;
  /** Whether each OTLP target's exports work (for /health/readiness). */
  exportState(): ExportState;
}

export interface TelemetryOptions extends AttributeOptions {
  targets: ExportTarget[];
  /** The embedded store, alongside the OTLP targets: the gateway's spans go to it in-process. */
  store?: StoreTarget;
  /**
   * Where export health goes: a target's first working export and its failures at once (then once a
   * minute while they last), dropped spans and the store's failures once a minute.
   */
  log?: HealthLog;
  /**
   * Spans each OTLP target holds while its backend is slow or down; beyond it new spans are dropped
   * (and counted). The store's queue is bounded in bytes instead (`StoreTarget.maxQueueBytes`).
   */
  maxQueueSize?: number;
  serviceName: string;
  version: string;
}

const NO_REPORT: ExportReport = { dropped: () => {}, failed: () => {} };

export function createTelemetry(options: TelemetryOptions): Telemetry | undefined {
  if (options.targets.length === 0 && options.store === undefined) return undefined;
  const exportLog = options.log
    ? installExportLog(options.log)
    : { exportLog: NO_REPORT, stop: () => {}, dropped: () => 0 };
  const health = new ExportHealth(options.log ?? { warn: () => {} });
  const resourceAttributes = {
    'service.name': options.serviceName,
    'service.version': options.version,
    // Tells replicas and --num_workers processes apart in the trace (host and process id).
    'service.instance.id': `${hostname()}-${process.pid}`,
  };
  const resource = resourceFromAttributes(resourceAttributes);
  const scope = { name: 'tollgate', version: options.version };
  const processors = options.targets.map(
    (t) =>
      new BatchSpanProcessor({
        exporter: health.watch(
          t,
          new OTLPTraceExporter({ url: t.url, headers: t.headers, timeoutMillis: t.timeoutMillis }),
        ),
        maxQueueSize: options.maxQueueSize ?? 2048,
        maxExportBatchSize: 256,
        scheduledDelayMillis: 250,
        exportTimeoutMillis: t.timeoutMillis,
      }),
  );
  const store = options.store
    ? storeSpanQueue(options.store, resourceAttributes, exportLog.exportLog)
    : undefined;

  return {
    record(record) {
      const spans = recordSpans(record, options);
      // A ReadableSpan only when an OTLP target wants one: the store takes its own model.
      if (processors.length > 0)
        for (const fields of spans) {
          const span = finishedSpan(fields, resource, scope);
          for (const p of processors) p.onEnd(span);
        }
      store?.add(spans);
    },
    exportState: () => ({ targets: health.states(), spans_dropped: exportLog.dropped() }),
    shutdown: async () => {
      try {
        await Promise.all([...processors.map((p) => p.shutdown()), store?.shutdown()]);
      } finally {
        exportLog.stop();
      }
    },
  };
}
