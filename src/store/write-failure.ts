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
