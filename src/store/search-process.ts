/**
 * A search process: answers the store's read methods (the ones that run user SQL) on its own read-only
 * connection to the store's file, for `search-pool.ts` in the gateway. It is a process, not a thread,
 * because only killing a process stops a SQLite step that reads no rows (cross-joined VALUES lists):
 * node:sqlite offers no progress handler, and terminating a worker thread waits for the step to end.
 * WAL lets it read while the store worker writes. One call at a time; the pool sends the next.
 */
import { Worker } from 'node:worker_threads';
import { type ReaderOptions, SearchReader } from './search/reader.ts';
import { type ReadMethod, readMethods, type StoreParams, type StoreResult } from './store-api.ts';
import { errorMessage, type ReadCall, type StoreCallOf, type StoreReply, settle } from './store-protocol.ts';

export interface SearchProcessOptions extends ReaderOptions {
  path: string;
}

/** The read methods seen per method, so that one generic call type-checks for every K. */
type Dispatch = { [K in ReadMethod]: (params: StoreParams<K>) => StoreResult<K> };

function serve(options: SearchProcessOptions): void {
  // Started before the database opens, so that even a stuck open cannot outlive the gateway.
  new Worker(new URL('./search-watchdog.ts', import.meta.url), { workerData: process.ppid }).unref();
  // The gateway closing the channel (closing the store, or exiting) ends an idle process.
  process.on('disconnect', () => process.exit(0));
  let dispatch: Dispatch;
  try {
    dispatch = readMethods(new SearchReader(options.path, options));
  } catch (err) {
    const failed: StoreReply = { id: 0, ok: false, status: 500, message: errorMessage(err) };
    process.send?.(failed, () => process.exit(1));
    return;
  }
  process.on('message', (call: ReadCall) => {
    const reply = settle(call.id, () => {
      // Own properties only: a name like `toString` must not reach the object's prototype.
      if (!Object.hasOwn(dispatch, call.method)) throw new Error(`Unknown search method "${call.method}"`);
      return run(dispatch, call);
    });
    process.send?.(reply);
  });
  process.send?.({ id: 0, ok: true, value: 'ready' } satisfies StoreReply);
}

function run<K extends ReadMethod>(dispatch: Dispatch, call: StoreCallOf<K>): StoreResult<K> {
  return dispatch[call.method](call.params);
}

serve(JSON.parse(process.argv[2] ?? '{}') as SearchProcessOptions);
