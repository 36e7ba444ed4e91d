/**
 * Hands the gateway's own spans to the embedded store in-process, as plain data in the store's span
 * model (`store/otlp/plain.ts`), copied to the worker by structured clone: no OTLP encoding on the
 * event loop and no decoding in the worker. Spans wait in a queue bounded by
 * (estimated) bytes, queued and on their way to the store together, so a store that falls behind
 * costs the gateway at most that much memory; spans past it are dropped and counted. The queue goes out
 * in batches, every `delayMs` or `maxBatchSpans` spans, whichever comes first, and on shutdown.
 */
import type { PlainAttributes, PlainSpan } from '../store/otlp/plain.ts';
import type { SpansRequest } from '../store/trace-store.ts';
import type { ExportReport } from './export-log.ts';
import type { SpanFields } from './finished-span.ts';
import { spanBytes, storeSpan } from './store-span.ts';

/** What the queue needs of `StoreClient`. */
export interface SpanStore {
  call(method: 'ingestSpans', params: SpansRequest): Promise<unknown>;
}

export interface StoreTarget {
  store: SpanStore;
  /** The stream the spans are stored in (OpenObserve's `stream-name`). */
  stream: string;
  /** Spans queued or on their way to the store, in estimated bytes. Default 32 MiB. */
  maxQueueBytes?: number;
  /** Default 512. */
  maxBatchSpans?: number;
  /** Longest a span waits before its batch goes out. Default 200 ms. */
  delayMs?: number;
  /** Longest shutdown waits for the store to take the last batches. Default 10 s. */
  shutdownTimeoutMs?: number;
}

export interface SpanQueue {
  add(spans: SpanFields[]): void;
  /** Sends what is queued and waits until the store has it (or the timeout); later spans are ignored. */
  shutdown(): Promise<void>;
}

export function storeSpanQueue(
  target: StoreTarget,
  resource: PlainAttributes,
  report: ExportReport,
): SpanQueue {
  const maxBytes = target.maxQueueBytes ?? 32 * 1024 * 1024;
  const maxBatch = target.maxBatchSpans ?? 512;
  const delayMs = target.delayMs ?? 200;
  let batch: PlainSpan[] = [];
  let batchBytes = 0;
  /** Queued and in flight: a batch's bytes count until the store has answered for it. */
  let heldBytes = 0;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const sending = new Set<Promise<void>>();

  const send = () => {
    clearTimeout(timer);
    timer = undefined;
    if (batch.length === 0) return;
    const request: SpansRequest = {
      org: 'default',
      stream: target.stream,
      spans: [{ resource, spans: batch }],
    };
    const bytes = batchBytes;
    batch = [];
    batchBytes = 0;
    const sent: Promise<void> = target.store
      .call('ingestSpans', request)
      .then(
        () => {},
        (err: unknown) => report.failed(`trace store: ${err instanceof Error ? err.message : String(err)}`),
      )
      .finally(() => {
        heldBytes -= bytes;
        sending.delete(sent);
      });
    sending.add(sent);
  };

  return {
    add(spans) {
      if (closed) return;
      let dropped = 0;
      for (const fields of spans) {
        const span = storeSpan(fields);
        const bytes = spanBytes(span);
        if (heldBytes + bytes > maxBytes) {
          dropped++;
          continue;
        }
        heldBytes += bytes;
        batchBytes += bytes;
        batch.push(span);
      }
      if (dropped > 0) report.dropped(dropped);
      if (batch.length >= maxBatch) send();
      else if (batch.length > 0 && timer === undefined) {
        timer = setTimeout(send, delayMs);
        timer.unref();
      }
    },
    async shutdown() {
      closed = true;
      send();
      let deadline: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        deadline = setTimeout(resolve, target.shutdownTimeoutMs ?? 10_000);
        deadline.unref();
      });
      await Promise.race([Promise.all(sending), timeout]);
      clearTimeout(deadline);
    },
  };
}
