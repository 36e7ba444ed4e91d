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

port.on('message', (call: StoreCall) => {
  let reply: StoreReply;
  try {
    reply = { id: call.id, ok: true, value: run(call) };
  } catch (err) {
    const status = err instanceof OtlpDecodeError || err instanceof QueryError ? err.status : 500;
    reply = { id: call.id, ok: false, status, message: errorMessage(err) };
  }
  port.postMessage(reply);
});

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
