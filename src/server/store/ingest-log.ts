/**
 * What OTLP ingest reports to the gateway's log, without one line per request: attributes cut from
 * stored spans (span-limits.ts) are summed and written at most once per interval, and a full disk is
 * one error line when it starts and one line when ingest works again.
 */
import { StoreError } from '../../store/store-client.ts';
import { DISK_FULL_MESSAGE } from '../../store/write-failure.ts';

export interface IngestLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface IngestLog {
  /** A request whose spans were stored; `trimmed` is what was cut from them, by reason. */
  stored(trimmed: Record<string, number>): void;
  /** A request the store refused or failed. */
  failed(err: unknown): void;
  /** Writes what accumulated now (at shutdown). */
  flush(): void;
}

export function createIngestLog(log: IngestLogger, intervalMs = 60_000): IngestLog {
  let pending = new Map<string, number>();
  let requests = 0;
  let lastWrite = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;
  let diskFull = false;

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (pending.size === 0) return;
    lastWrite = performance.now();
    log.warn(
      { trimmed: Object.fromEntries(pending), requests },
      'trace store: span attributes over the limits were dropped, cut or kept in _overflow',
    );
    pending = new Map();
    requests = 0;
  };

  return {
    stored(trimmed) {
      if (diskFull) {
        diskFull = false;
        log.info({}, 'trace store: the disk has room again; OTLP ingest stores spans again');
      }
      const entries = Object.entries(trimmed);
      if (entries.length === 0) return;
      for (const [reason, n] of entries) pending.set(reason, (pending.get(reason) ?? 0) + n);
      requests++;
      const wait = lastWrite + intervalMs - performance.now();
      if (wait <= 0) flush();
      else timer ??= setTimeout(flush, wait).unref();
    },
    failed(err) {
      if (diskFull || !(err instanceof StoreError) || err.message !== DISK_FULL_MESSAGE) return;
      diskFull = true;
      log.error(
        {},
        'trace store: the disk is full; OTLP ingest stores nothing and answers 503 until there is room',
      );
    },
    flush,
  };
}
