/**
 * The store's API as one map, method name → (params) => result, implemented over the TraceStore. The
 * worker dispatches calls by name into it, and the protocol and `StoreClient.call` take their types
 * from it, so a new store method is one entry here: nothing else on the store side lists the methods.
 * Each method takes one params object, so a call is `{ method, params }` on the wire.
 */
import type { SearchSide } from './search/reader.ts';
import type { ListOptions } from './search/streams.ts';
import type { Params } from './search/traces.ts';
import type { IngestRequest, SpansRequest, TraceStore } from './trace-store.ts';

/** The params of a method that needs none. */
export type NoParams = Record<string, never>;

/**
 * The methods that run user SQL. For a file-backed store they are answered by the search processes,
 * which can be killed at the time limit (`search-pool.ts`); the rest stay in the store worker.
 */
export function readMethods(reader: SearchSide) {
  return {
    /** The `_search` response as JSON text; `body` is the parsed request body, `traceId` the request's. */
    search: (p: { org: string; body: unknown; traceId?: string }) => reader.search(p.org, p.body, p.traceId),
    /** The trace list; `query` is the URL's query parameters. */
    latest: (p: { org: string; stream: string; query: Params }) => reader.latest(p.org, p.stream, p.query),
    details: (p: { org: string; stream: string; traceId: string; query: Params }) =>
      reader.details(p.org, p.stream, p.traceId, p.query),
    /** The trace list as server-sent events (OpenObserve's `latest_stream`). */
    latestStream: (p: { org: string; stream: string; query: Params }) =>
      reader.latestStream(p.org, p.stream, p.query),
    /** Field values with their counts (`_values`). */
    values: (p: { org: string; stream: string; query: Params }) => reader.values(p.org, p.stream, p.query),
    /** LLM sessions, one session's turns, and LLM users. */
    sessions: (p: { org: string; stream: string; query: Params }) =>
      reader.sessions(p.org, p.stream, p.query),
    sessionDetails: (p: { org: string; stream: string; query: Params }) =>
      reader.sessionDetails(p.org, p.stream, p.query),
    users: (p: { org: string; stream: string; query: Params }) => reader.users(p.org, p.stream, p.query),
  };
}

/** `onClose` runs before the database closes (the worker stops its timers there). */
export function storeMethods(store: TraceStore, onClose: () => void = () => {}) {
  return {
    ingest: (request: IngestRequest) => store.ingest(request),
    /** The gateway's own spans, already in the store's model (no OTLP encoding in between). */
    ingestSpans: (request: SpansRequest) => store.ingestSpans(request),
    ...readMethods(store),
    /** Without `stream`, every stream (`options`: OpenObserve's listing parameters); with it, that stream's schema. */
    streams: (p: { org: string; stream?: string; options?: ListOptions }) =>
      store.streams(p.org, p.stream, p.options),
    organizations: (p: { user: string; pageSize: number }) => store.organizations(p.user, p.pageSize),
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
export type ReadMethod = keyof ReturnType<typeof readMethods>;
/** The methods that write spans: the worker groups them into one transaction, the client watches the disk. */
export type IngestMethod = 'ingest' | 'ingestSpans';

export function isIngestMethod(method: StoreMethod): method is IngestMethod {
  return method === 'ingest' || method === 'ingestSpans';
}

// readMethods only captures its reader, so listing the map's names reads nothing from it.
const READ_METHODS: ReadonlySet<string> = new Set(Object.keys(readMethods({} as SearchSide)));
export function isReadMethod(method: StoreMethod): method is ReadMethod {
  return READ_METHODS.has(method);
}
