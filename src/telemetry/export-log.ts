/**
 * What the exporters report (export failures, spans dropped from a full queue) reaches the gateway's
 * log at most once a minute, with counts, so an OpenObserve outage is visible without flooding the log.
 */
import { type DiagLogger, DiagLogLevel, diag } from '@opentelemetry/api';

export interface WarnLog {
  warn(obj: object, msg: string): void;
}

export interface ExportLog {
  /** Feeds one report from the OpenTelemetry SDK. */
  report(message: string): void;
  /** Writes what accumulated, if anything; called on a timer and at shutdown. */
  flush(): void;
}

export function createExportLog(log: WarnLog): ExportLog {
  let dropped = 0;
  let failures = 0;
  let lastFailure = '';
  return {
    report(message) {
      const drop = /Dropped (\d+) spans/.exec(message);
      if (drop) dropped += Number(drop[1]);
      else {
        failures++;
        lastFailure = message;
      }
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
}

/** Routes the SDK's diagnostics into an ExportLog flushed every `intervalMs`; returns a stop function. */
export function installExportLog(log: WarnLog, intervalMs = 60_000): () => void {
  const exportLog = createExportLog(log);
  const report = (message: string, ...args: unknown[]) =>
    exportLog.report([message, ...args.map((a) => (a instanceof Error ? a.message : String(a)))].join(' '));
  const ignore = () => {};
  const logger: DiagLogger = { error: report, warn: report, info: ignore, debug: ignore, verbose: ignore };
  diag.setLogger(logger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  const timer = setInterval(() => exportLog.flush(), intervalMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    exportLog.flush();
    diag.disable();
  };
}
