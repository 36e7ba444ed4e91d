/**
 * The worker thread that owns the trace store: decoding, flattening, SQLite writes and retention happen
 * here, so a burst of spans never stalls the gateway's event loop. Searches of a file-backed store run
 * in search processes instead (`search-pool.ts`), so a runaway query cannot hold ingest; an in-memory
 * store's run here, as no other process can open it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  isIngestMethod,
  type StoreMethod,
  type StoreParams,
  type StoreResult,
  storeMethods,
} from './store-api.ts';
import { errorMessage, type StoreCall, type StoreCallOf, type StoreReply, settle } from './store-protocol.ts';
import { TraceStore, type TraceStoreOptions } from './trace-store.ts';

const options = workerData as TraceStoreOptions & { retentionIntervalMs: number };
const port = parentPort;
if (!port) throw new Error('store-worker.ts runs as a worker thread');

let store: TraceStore;
try {
  store = new TraceStore(options);
  port.postMessage({ id: 0, ok: true, value: 'ready' } satisfies StoreReply);
} catch (err) {
  port.postMessage({ id: 0, ok: false, status: 500, message: errorMessage(err) } satisfies StoreReply);
  process.exit(1);
}

const retention = setInterval(() => {
  try {
    store.retain();
  } catch {
    // The next round tries again; retention must never take the store down.
  }
}, options.retentionIntervalMs);
retention.unref();

/**
 * The method map seen per method, so that one generic call type-checks for every K. Methods answer
 * synchronously, as the store does: this type refuses one that returns a promise, which `reply` cannot post.
 */
const dispatch: { [K in StoreMethod]: (params: StoreParams<K>) => StoreResult<K> } = storeMethods(store, () =>
  clearInterval(retention),
);

// Messages that are waiting when the worker gets to them are handled together, so that ingest calls
// arriving side by side (OTLP requests and the gateway's own span batches alike) share one transaction
// (hence ingest's one special case below).
const queue: StoreCall[] = [];
port.on('message', (call: StoreCall) => {
  queue.push(call);
  if (queue.length === 1) setImmediate(drain);
});

type IngestCall = StoreCallOf<'ingest'> | StoreCallOf<'ingestSpans'>;
const isIngest = (call: StoreCall | undefined): call is IngestCall =>
  call !== undefined && isIngestMethod(call.method);

function drain(): void {
  const calls = queue.splice(0);
  for (let i = 0; i < calls.length; ) {
    const call = calls[i] as StoreCall;
    if (!isIngest(call)) {
      reply(call.id, () => run(call));
      i++;
      continue;
    }
    const group: IngestCall[] = [];
    for (let next = calls[i]; isIngest(next); next = calls[++i]) group.push(next);
    const results = store.ingestAll(group.map((c) => c.params));
    group.forEach((c, at) => {
      reply(c.id, () => {
        const r = results[at];
        if (r instanceof Error) throw r;
        return r;
      });
    });
  }
}

function reply(id: number, compute: () => unknown): void {
  port?.postMessage(settle(id, compute));
}

function run<K extends StoreMethod>(call: StoreCallOf<K>): StoreResult<K> {
  // Own properties only: a name like `toString` must not reach the object's prototype.
  if (!Object.hasOwn(dispatch, call.method)) throw new Error(`Unknown store method "${call.method}"`);
  return dispatch[call.method](call.params);
}
