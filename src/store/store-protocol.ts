/**
 * Messages between the gateway and the store worker or a search process, derived from the method map
 * in `store-api.ts`, and how either side turns a method's outcome into a reply.
 */
import { OtlpDecodeError } from './otlp/model.ts';
import { QueryError, type QueryErrorOptions } from './search/query-error.ts';
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
  | { id: number; ok: false; status: number; message: string; shape?: QueryErrorOptions };

/** The reply to call `id`: what `compute` returns, or its error with the HTTP status it stands for. */
export function settle(id: number, compute: () => unknown): StoreReply {
  try {
    return { id, ok: true, value: compute() };
  } catch (err) {
    const known = err instanceof OtlpDecodeError || err instanceof QueryError || err instanceof StoreError;
    const status = known ? err.status : 500;
    return { id, ok: false, status, message: errorMessage(err), shape: shapeOf(err) };
  }
}

/** How a search error is worded on the wire: what the HTTP side needs to answer as OpenObserve does. */
function shapeOf(err: unknown): QueryErrorOptions | undefined {
  if (err instanceof StoreError) return err.shape;
  if (!(err instanceof QueryError)) return undefined;
  const { code, detail, suggestions, text } = err;
  return { code, detail, suggestions, text };
}

/** The error a failed reply stands for, on the calling side. */
export function replyError(reply: {
  message: string;
  status: number;
  shape?: QueryErrorOptions;
}): StoreError {
  return new StoreError(reply.message, reply.status, reply.shape);
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
