/**
 * Messages between the gateway and the store worker or a search process, derived from the method map
 * in `store-api.ts`, and how either side turns a method's outcome into a reply.
 */
import { OtlpDecodeError } from './otlp/model.ts';
import { QueryError } from './search/query-error.ts';
import type { ReadMethod, StoreMethod, StoreParams } from './store-api.ts';
import { StoreError } from './store-error.ts';

/** One call of method K. */
export interface StoreCallOf<K extends StoreMethod> {
  id: number;
  method: K;
  params: StoreParams<K>;
}

/** Any call: a union with one member per method, so checking `method` narrows `params`. */
export type StoreCall = { [K in StoreMethod]: StoreCallOf<K> }[StoreMethod];
/** A call a search process answers. */
export type ReadCall = { [K in ReadMethod]: StoreCallOf<K> }[ReadMethod];

export type StoreReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; status: number; message: string };

/** The reply to call `id`: what `compute` returns, or its error with the HTTP status it stands for. */
export function settle(id: number, compute: () => unknown): StoreReply {
  try {
    return { id, ok: true, value: compute() };
  } catch (err) {
    const known = err instanceof OtlpDecodeError || err instanceof QueryError || err instanceof StoreError;
    const status = known ? err.status : 500;
    return { id, ok: false, status, message: errorMessage(err) };
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
