/**
 * The gateway's handle on the store worker: each call is a message, each answer a promise, both typed by
 * the method map in `store-api.ts`. Bounded: past `maxPending` calls in flight, new ones are refused at
 * once (ingest answers 503, as OpenObserve does when ingestion is blocked) instead of queueing without
 * limit.
 */
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { SearchPool } from './search-pool.ts';
import {
  isIngestMethod,
  isReadMethod,
  type StoreMethod,
  type StoreParams,
  type StoreResult,
} from './store-api.ts';
import { StoreError } from './store-error.ts';
import { replyError, type StoreCallOf, type StoreReply } from './store-protocol.ts';
import type { TraceStoreOptions } from './trace-store.ts';
import { DiskFullWatch } from './write-failure.ts';

export { StoreError };

export interface StoreClientOptions extends TraceStoreOptions {
  retentionIntervalMs?: number;
  maxPending?: number;
  /**
   * Search processes for a file-backed store (see `search-pool.ts`); 0 runs searches in the store
   * worker, where the time limit cannot stop a query that reads no rows. Default 2.
   */
  searchProcesses?: number;
  /** Searches that may wait for a search process; past it they answer 503. Default 32. */
  maxQueuedSearches?: number;
  /** A search process idle this long exits. Default 30 s. */
  searchIdleMs?: number;
  /** Where worker failures and restarts, and a full disk, are reported. */
  log?: (message: string) => void;
}

const WORKER_SEMI_SPACE_MB = 16;

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
  /** Where searches run, for a store another process can open; otherwise they run in the worker. */
  readonly #searches: SearchPool | undefined;
  readonly #disk: DiskFullWatch;
  #next = 1;
  #closed = false;

  private constructor(worker: Worker, options: StoreClientOptions) {
    this.path = options.path;
    this.#options = options;
    this.#maxPending = options.maxPending ?? 256;
    this.#disk = new DiskFullWatch(options.log);
    const processes = options.searchProcesses ?? 2;
    this.#searches =
      processes > 0 && isFile(options.path)
        ? new SearchPool({
            path: options.path,
            timeLimitMs: options.queryTimeLimitMs,
            maxBodyBytes: options.maxBodyBytes,
            processes,
            maxQueued: options.maxQueuedSearches ?? 32,
            idleMs: options.searchIdleMs ?? 30_000,
            log: options.log,
          })
        : undefined;
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
      else pending.reject(replyError(reply));
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

  /**
   * Calls a store method in the worker (a search: in a search process, when there are any); the answer
   * is what the method returns there. `transfer` hands buffers to the worker instead of copying them
   * (see `handOver`).
   */
  call<K extends StoreMethod>(
    method: K,
    params: StoreParams<K>,
    transfer: readonly ArrayBuffer[] = [],
  ): Promise<StoreResult<K>> {
    // The process answers call K with what StoreMethods[K] returned; the message itself is untyped.
    if (this.#searches && isReadMethod(method))
      return this.#searches.run(method, params).then((value) => value as StoreResult<K>);
    const worker = this.#worker;
    if (this.#closed) return Promise.reject(new StoreError('The trace store is closed', 503));
    if (!worker) return Promise.reject(new StoreError('The trace store is restarting; retry shortly', 503));
    if (this.#pending.size >= this.#maxPending)
      return Promise.reject(new StoreError('The trace store is busy; retry shortly', 503));
    const id = this.#next++;
    const call: StoreCallOf<K> = { id, method, params };
    const answer = new Promise<StoreResult<K>>((resolve, reject) => {
      // The worker answers call K with what StoreMethods[K] returned; the message itself is untyped.
      this.#pending.set(id, { resolve: (value) => resolve(value as StoreResult<K>), reject });
      try {
        worker.postMessage(call, transfer);
      } catch (err) {
        // Params that cannot be cloned or transferred: nothing was sent, so nothing will answer.
        this.#pending.delete(id);
        reject(err);
      }
    });
    if (isIngestMethod(method))
      answer.then(
        () => this.#disk.stored(),
        (err: unknown) => this.#disk.failed(err),
      );
    return answer;
  }

  /** The search processes running now (for tests and diagnostics). */
  searchProcessIds(): number[] {
    return this.#searches?.pids() ?? [];
  }

  /** Stops the search processes, waits for calls in flight, closes the database and stops the worker. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#searches?.close();
    await this.call('close', {}).catch(() => {});
    this.#closed = true;
    await this.#worker?.terminate();
  }
}

/**
 * The buffer behind `bytes`, to pass as `transfer` when the caller is done with them: the worker gets
 * the memory instead of a copy, and `bytes` is left empty. Only a view that starts its buffer qualifies.
 */
export function handOver(bytes: Uint8Array): ArrayBuffer[] {
  return bytes.byteOffset === 0 && bytes.buffer instanceof ArrayBuffer ? [bytes.buffer] : [];
}

/** Whether another process can open the store: not an in-memory database. */
function isFile(path: string): boolean {
  if (path === '' || path === ':memory:') return false;
  return !(path.startsWith('file:') && /[?&]mode=memory(&|$)/.test(path));
}

function spawnWorker(options: StoreClientOptions): Promise<Worker> {
  const { log: _log, searchProcesses: _p, maxQueuedSearches: _q, searchIdleMs: _i, ...data } = options;
  // Decoding a batch makes many short-lived objects; in a small young generation (npm start keeps the
  // gateway's at 8 MB semi-spaces for memory) they are copied and promoted, and GC took a fifth of the
  // worker's time. The flag is process-wide and read when an isolate is created, so raising it just
  // before the worker starts sizes the worker's young generation alone; resourceLimits cannot, since
  // the command-line flag overrides it. 16 MB, not 32: the young generation, once grown, stays committed
  // (up to 3 semi-spaces) and 32 cost ~50 MB more RSS under ingest for no measurable CPU (bench/README.md).
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
