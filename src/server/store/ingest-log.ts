/**
 * What OTLP ingest reports to the gateway's log, without one line per request: attributes cut from
 * stored spans (span-limits.ts) are summed and written at most once per interval. (A full disk is the
 * store client's to report: it sees the gateway's own spans too.)
 */

export interface IngestLogger {
  warn(obj: object, msg: string): void;
}

export interface IngestLog {
  /** A request whose spans were stored; `trimmed` is what was cut from them, by reason. */
  stored(trimmed: Record<string, number>): void;
  /** Writes what accumulated now (at shutdown). */
  flush(): void;
}

export function createIngestLog(log: IngestLogger, intervalMs = 60_000): IngestLog {
  let pending = new Map<string, number>();
  let requests = 0;
  let lastWrite = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;

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
      const entries = Object.entries(trimmed);
      if (entries.length === 0) return;
      for (const [reason, n] of entries) pending.set(reason, (pending.get(reason) ?? 0) + n);
      requests++;
      const wait = lastWrite + intervalMs - performance.now();
      if (wait <= 0) flush();
      else timer ??= setTimeout(flush, wait).unref();
    },
    flush,
  };
}
