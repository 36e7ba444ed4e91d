/**
 * The worker thread that owns the trace store: decoding, flattening, SQLite writes, searches and
 * retention all happen here, so a burst of spans or a heavy query never stalls the gateway's event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { OtlpDecodeError } from './otlp/model.ts';
import { QueryError } from './search/query-error.ts';
import type { StoreCall, StoreReply } from './store-protocol.ts';
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

// Messages that are waiting when the worker gets to them are handled together, so that ingest calls
// arriving side by side share one transaction.
const queue: StoreCall[] = [];
port.on('message', (call: StoreCall) => {
  queue.push(call);
  if (queue.length === 1) setImmediate(drain);
});

function drain(): void {
  const calls = queue.splice(0);
  for (let i = 0; i < calls.length; ) {
    const call = calls[i] as StoreCall;
    if (call.method !== 'ingest') {
      reply(call.id, () => run(call));
      i++;
      continue;
    }
    const group: Array<Extract<StoreCall, { method: 'ingest' }>> = [];
    while (calls[i]?.method === 'ingest') group.push(calls[i++] as Extract<StoreCall, { method: 'ingest' }>);
    const results = store.ingestAll(group.map((c) => c.request));
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
  let message: StoreReply;
  try {
    message = { id, ok: true, value: compute() };
  } catch (err) {
    const status = err instanceof OtlpDecodeError || err instanceof QueryError ? err.status : 500;
    message = { id, ok: false, status, message: errorMessage(err) };
  }
  port?.postMessage(message);
}

function run(call: StoreCall): unknown {
  switch (call.method) {
    case 'ingest':
      return store.ingest(call.request);
    case 'search':
      return store.search(call.org, call.body);
    case 'latest':
      return store.latest(call.org, call.stream, call.params);
    case 'details':
      return store.details(call.org, call.stream, call.traceId, call.params);
    case 'models':
      return store.models(call.org, call.stream, call.params);
    case 'streams':
      return store.streams(call.org, call.stream);
    case 'retain':
      return store.retain(call.nowMs);
    case 'close':
      clearInterval(retention);
      store.close();
      return true;
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
