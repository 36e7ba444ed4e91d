/**
 * The gateway's handle on the store worker: each call is a message, each answer a promise. Bounded:
 * past `maxPending` calls in flight, new ones are refused at once (ingest answers 503, as OpenObserve
 * does when ingestion is blocked) instead of queueing without limit.
 */
import { Worker } from 'node:worker_threads';
import type { StoreCall, StoreReply, StoreRequest } from './store-protocol.ts';
import type { IngestResult, TraceStoreOptions } from './trace-store.ts';

export interface StoreClientOptions extends TraceStoreOptions {
  retentionIntervalMs?: number;
  maxPending?: number;
}

/** A store call that failed: `status` is the HTTP status to answer with. */
export class StoreError extends Error {
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

export class StoreClient {
  readonly path: string;
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  readonly #maxPending: number;
  #next = 1;
  #closed = false;

  private constructor(worker: Worker, options: StoreClientOptions) {
    this.#worker = worker;
    this.path = options.path;
    this.#maxPending = options.maxPending ?? 256;
    worker.on('message', (reply: StoreReply) => {
      const pending = this.#pending.get(reply.id);
      if (!pending) return;
      this.#pending.delete(reply.id);
      if (reply.ok) pending.resolve(reply.value);
      else pending.reject(new StoreError(reply.message, reply.status));
    });
    worker.on('exit', () => {
      this.#closed = true;
      for (const p of this.#pending.values()) p.reject(new StoreError('The trace store has stopped', 503));
      this.#pending.clear();
    });
  }

  /** Starts the worker and waits until the database is open and migrated. */
  static start(options: StoreClientOptions): Promise<StoreClient> {
    const worker = new Worker(new URL('./store-worker.ts', import.meta.url), {
      workerData: { ...options, retentionIntervalMs: options.retentionIntervalMs ?? 60_000 },
    });
    return new Promise((resolve, reject) => {
      const fail = (err: Error) => reject(err);
      worker.once('error', fail);
      worker.once('message', (reply: StoreReply) => {
        worker.off('error', fail);
        if (reply.ok) resolve(new StoreClient(worker, options));
        else reject(new Error(`could not open the trace store at ${options.path}: ${reply.message}`));
      });
    });
  }

  ingest(
    request: Extract<StoreRequest, { method: 'ingest' }>['request'],
    transfer = false,
  ): Promise<IngestResult> {
    const list = transfer && request.bytes.byteOffset === 0 ? [request.bytes.buffer as ArrayBuffer] : [];
    return this.call({ method: 'ingest', request }, list) as Promise<IngestResult>;
  }

  /** A search call; the answer is the response body as JSON text. */
  query(request: Extract<StoreRequest, { method: 'search' | 'latest' | 'details' }>): Promise<string> {
    return this.call(request) as Promise<string>;
  }

  retain(nowMs?: number): Promise<number> {
    return this.call({ method: 'retain', nowMs }) as Promise<number>;
  }

  call(request: StoreRequest, transfer: ArrayBuffer[] = []): Promise<unknown> {
    if (this.#closed) return Promise.reject(new StoreError('The trace store is closed', 503));
    if (this.#pending.size >= this.#maxPending)
      return Promise.reject(new StoreError('The trace store is busy; retry shortly', 503));
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, ...request } as StoreCall, transfer);
    });
  }

  /** Waits for calls in flight, closes the database and stops the worker. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.call({ method: 'close' }).catch(() => {});
    this.#closed = true;
    await this.#worker.terminate();
  }
}
