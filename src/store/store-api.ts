/**
 * The store's API as one map, method name → (params) => result, implemented over the TraceStore. The
 * worker dispatches calls by name into it, and the protocol and `StoreClient.call` take their types
 * from it, so a new store method is one entry here: nothing else on the store side lists the methods.
 * Each method takes one params object, so a call is `{ method, params }` on the wire.
 */
import type { Params } from './search/traces.ts';
import type { IngestRequest, TraceStore } from './trace-store.ts';

/** The params of a method that needs none. */
export type NoParams = Record<string, never>;

/** `onClose` runs before the database closes (the worker stops its timers there). */
export function storeMethods(store: TraceStore, onClose: () => void = () => {}) {
  return {
    ingest: (request: IngestRequest) => store.ingest(request),
    /** The `_search` response as JSON text; `body` is the parsed request body. */
    search: (p: { org: string; body: unknown }) => store.search(p.org, p.body),
    /** The trace list; `query` is the URL's query parameters. */
    latest: (p: { org: string; stream: string; query: Params }) => store.latest(p.org, p.stream, p.query),
    details: (p: { org: string; stream: string; traceId: string; query: Params }) =>
      store.details(p.org, p.stream, p.traceId, p.query),
    /** Without `stream`, every stream; with it, that stream's schema. */
    streams: (p: { org: string; stream?: string }) => store.streams(p.org, p.stream),
    models: (p: { org: string; stream: string; query: Params }) => store.models(p.org, p.stream, p.query),
    retain: (p: { nowMs?: number }) => store.retain(p.nowMs),
    /** Call `StoreClient.close()` instead, which also stops the worker. */
    close: (_: NoParams) => {
      onClose();
      store.close();
      return true;
    },
  };
}

export type StoreMethods = ReturnType<typeof storeMethods>;
export type StoreMethod = keyof StoreMethods;
export type StoreParams<K extends StoreMethod> = Parameters<StoreMethods[K]>[0];
export type StoreResult<K extends StoreMethod> = Awaited<ReturnType<StoreMethods[K]>>;
