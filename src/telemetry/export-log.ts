/**
 * What the exporters report (spans dropped from a full queue, the store queue's failures) reaches the
 * gateway's log at most once a minute, with counts, so an outage is visible without flooding the log.
 * An OTLP target's failed exports are told at once by export-health.ts instead.
 */
import { type DiagLogger, DiagLogLevel, diag } from '@opentelemetry/api';

export interface WarnLog {
  warn(obj: object, msg: string): void;
}

/** What an exporter of the gateway's own (the store's span queue) reports directly. */
export interface ExportReport {
  /** Spans that found the queue full. */
  dropped(count: number): void;
  /** A batch that could not be exported, and why. */
  failed(message: string): void;
}

export interface ExportLog extends ExportReport {
  /** Feeds one report from the OpenTelemetry SDK. */
  report(message: string): void;
  /** Writes what accumulated, if anything; called on a timer and at shutdown. */
  flush(): void;
}

export function createExportLog(log: WarnLog, onDropped?: (count: number) => void): ExportLog {
  let dropped = 0;
  let failures = 0;
  let lastFailure = '';
  const exportLog: ExportLog = {
    dropped(count) {
      dropped += count;
      onDropped?.(count);
    },
    failed(message) {
      failures++;
      lastFailure = message;
    },
    report(message) {
      const drop = /Dropped (\d+) spans/.exec(message);
      if (drop) exportLog.dropped(Number(drop[1]));
      else exportLog.failed(message);
    },
    flush() {
      if (dropped === 0 && failures === 0) return;
      log.warn(
        { droppedSpans: dropped, exportFailures: failures, lastFailure },
        'telemetry: spans were not all exported',
      );
      dropped = 0;
      failures = 0;
      lastFailure = '';
    },
  };
  return exportLog;
}

/**
 * Routes the SDK's diagnostics into an ExportLog flushed every `intervalMs`; returns it (for the
 * gateway's own exporters to report to) and a stop function.
 */
export function installExportLog(
  log: WarnLog,
  intervalMs = 60_000,
): { exportLog: ExportReport; stop(): void; dropped(): number } {
  // Every drop since start, for /health/readiness (the log line counts per minute).
  let droppedTotal = 0;
  const exportLog = createExportLog(log, (count) => {
    droppedTotal += count;
  });
  const report = (message: string, ...args: unknown[]) =>
    exportLog.report([message, ...args.map((a) => (a instanceof Error ? a.message : String(a)))].join(' '));
  const ignore = () => {};
  const logger: DiagLogger = { error: report, warn: report, info: ignore, debug: ignore, verbose: ignore };
  diag.setLogger(logger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  const timer = setInterval(() => exportLog.flush(), intervalMs);
  timer.unref();
  const stop = () => {
    clearInterval(timer);
    exportLog.flush();
    diag.disable();
  };
  return { exportLog, stop, dropped: () => droppedTotal };
}
