/**
 * A write the store could not make for want of space. SQLite reports a full disk (ENOSPC) and a
 * database at its `max_page_count` alike as SQLITE_FULL, and rolls the transaction back itself. Ingest
 * then answers 503, as OpenObserve does while its disk circuit breaker is open: OTLP exporters retry
 * a 503 later, so spans sent while the disk is full arrive once there is room again.
 */
import { StoreError } from './store-error.ts';

const SQLITE_FULL = 13;

/** The refusal's message; it also tells the gateway's log (across the worker boundary) what happened. */
export const DISK_FULL_MESSAGE =
  'The trace store cannot write: its disk is full. Nothing was stored; retry once space is freed.';

export function isDiskFull(err: unknown): boolean {
  const code = (err as { errcode?: unknown } | null)?.errcode;
  // The primary code is the low byte of an extended result code.
  return typeof code === 'number' && (code & 0xff) === SQLITE_FULL;
}

/** The whole request is refused, nothing stored; the worker answers with its status. */
export class DiskFullError extends StoreError {
  constructor() {
    super(DISK_FULL_MESSAGE, 503);
  }
}

/**
 * A full disk is an episode, not an error per batch: one line when writes start failing for want of
 * space, one when a write works again. The store client watches every ingest (OTLP requests and the
 * gateway's own spans alike), so the log says it once whichever path hit it.
 */
export class DiskFullWatch {
  readonly #log: ((message: string) => void) | undefined;
  #full = false;

  constructor(log: ((message: string) => void) | undefined) {
    this.#log = log;
  }

  stored(): void {
    if (!this.#full) return;
    this.#full = false;
    this.#log?.('trace store: the disk has room again; spans are stored again');
  }

  failed(err: unknown): void {
    if (this.#full || !(err instanceof StoreError) || err.message !== DISK_FULL_MESSAGE) return;
    this.#full = true;
    this.#log?.('trace store: the disk is full; ingest stores nothing and answers 503 until there is room');
  }
}
