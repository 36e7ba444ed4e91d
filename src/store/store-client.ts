/**
 * The gateway's handle on the store worker: each call is a message, each answer a promise. Bounded:
 * past `maxPending` calls in flight, new ones are refused at once (ingest answers 503, as OpenObserve
 * does when ingestion is blocked) instead of queueing without limit.
 */
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { StoreCall, StoreReply, StoreRequest } from './store-protocol.ts';
import type { IngestResult, TraceStoreOptions } from './trace-store.ts';

export interface StoreClientOptions extends TraceStoreOptions {
  retentionIntervalMs?: number;
  maxPending?: number;
  /** Where worker failures and restarts are reported. */
  log?: (message: string) => void;
}

const WORKER_SEMI_SPACE_MB = 32;

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
  readonly #options: StoreClientOptions;
  /** Undefined while a worker that died is being replaced. */
  #worker: Worker | undefined;
  readonly #pending = new Map<number, Pending>();
  readonly #maxPending: number;
  #next = 1;
  #closed = false;

  private constructor(worker: Worker, options: StoreClientOptions) {
    this.path = options.path;
    this.#options = options;
    this.#maxPending = options.maxPending ?? 256;
    this.#attach(worker);
  }

  /** Starts the worker and waits until the database is open and migrated. */
  static async start(options: StoreClientOptions): Promise<StoreClient> {
    return new StoreClient(await spawnWorker(options), options);
  }

  #attach(worker: Worker): void {
    this.#worker = worker;
    worker.on('message', (reply: StoreReply) => {
      const pending = this.#pending.get(reply.id);
      if (!pending) return;
      this.#pending.delete(reply.id);
      if (reply.ok) pending.resolve(reply.value);
      else pending.reject(new StoreError(reply.message, reply.status));
    });
    worker.on('error', (err) => this.#options.log?.(`trace store worker failed: ${err.message}`));
    worker.on('exit', (code) => {
      this.#worker = undefined;
      for (const p of this.#pending.values()) p.reject(new StoreError('The trace store has stopped', 503));
      this.#pending.clear();
      if (!this.#closed) this.#restart(code);
    });
  }

  /** A store that died (a bug, memory) comes back on its own; calls meanwhile answer 503. */
  #restart(code: number): void {
    this.#options.log?.(`trace store worker exited (code ${code}); restarting it`);
    const again = () => {
      if (this.#closed) return;
      spawnWorker(this.#options).then(
        (worker) => (this.#closed ? void worker.terminate() : this.#attach(worker)),
        (err: Error) => {
          this.#options.log?.(`trace store could not restart: ${err.message}; trying again in 10 s`);
          setTimeout(again, 10_000).unref();
        },
      );
    };
    setTimeout(again, 1000).unref();
  }

  ingest(
    request: Extract<StoreRequest, { method: 'ingest' }>['request'],
    transfer = false,
  ): Promise<IngestResult> {
    const list = transfer && request.bytes.byteOffset === 0 ? [request.bytes.buffer as ArrayBuffer] : [];
    return this.call({ method: 'ingest', request }, list) as Promise<IngestResult>;
  }

  /** A search call; the answer is the response body as JSON text. */
  query(
    request: Extract<StoreRequest, { method: 'search' | 'latest' | 'details' | 'streams' | 'models' }>,
  ): Promise<string> {
    return this.call(request) as Promise<string>;
  }

  retain(nowMs?: number): Promise<number> {
    return this.call({ method: 'retain', nowMs }) as Promise<number>;
  }

  call(request: StoreRequest, transfer: ArrayBuffer[] = []): Promise<unknown> {
    const worker = this.#worker;
    if (this.#closed) return Promise.reject(new StoreError('The trace store is closed', 503));
    if (!worker) return Promise.reject(new StoreError('The trace store is restarting; retry shortly', 503));
    if (this.#pending.size >= this.#maxPending)
      return Promise.reject(new StoreError('The trace store is busy; retry shortly', 503));
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.postMessage({ id, ...request } as StoreCall, transfer);
    });
  }

  /** Waits for calls in flight, closes the database and stops the worker. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.call({ method: 'close' }).catch(() => {});
    this.#closed = true;
    await this.#worker?.terminate();
  }
}

function spawnWorker(options: StoreClientOptions): Promise<Worker> {
  const { log: _log, ...data } = options;
  // Decoding a batch makes many short-lived objects; in a small young generation (npm start keeps the
  // gateway's at 8 MB semi-spaces for memory) they are copied and promoted, and GC took a fifth of the
  // worker's time. The flag is process-wide and read when an isolate is created, so raising it just
  // before the worker starts sizes the worker's young generation alone; resourceLimits cannot, since
  // the command-line flag overrides it.
  setFlagsFromString(`--max-semi-space-size=${WORKER_SEMI_SPACE_MB}`);
  const worker = new Worker(new URL('./store-worker.ts', import.meta.url), {
    workerData: { ...data, retentionIntervalMs: options.retentionIntervalMs ?? 60_000 },
    resourceLimits: { maxYoungGenerationSizeMb: 3 * WORKER_SEMI_SPACE_MB },
  });
  return new Promise((resolve, reject) => {
    const fail = (err: Error) => reject(err);
    worker.once('error', fail);
    worker.once('message', (reply: StoreReply) => {
      worker.off('error', fail);
      if (reply.ok) resolve(worker);
      else reject(new Error(`could not open the trace store at ${options.path}: ${reply.message}`));
    });
  });
}
