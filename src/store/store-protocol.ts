/** Messages between the gateway and the store worker. */
import type { Params } from './search/traces.ts';
import type { IngestRequest } from './trace-store.ts';

export type StoreCall = { id: number } & (
  | { method: 'ingest'; request: IngestRequest }
  | { method: 'search'; org: string; body: unknown }
  | { method: 'latest'; org: string; stream: string; params: Params }
  | { method: 'details'; org: string; stream: string; traceId: string; params: Params }
  | { method: 'streams'; org: string; stream?: string }
  | { method: 'models'; org: string; stream: string; params: Params }
  | { method: 'retain'; nowMs?: number }
  | { method: 'close' }
);

export type StoreReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; status: number; message: string };

/** Omit<> over a union, keeping it a union. */
export type StoreRequest = StoreCall extends infer C
  ? C extends { id: number }
    ? Omit<C, 'id'>
    : never
  : never;
