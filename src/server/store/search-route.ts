/**
 * One row of the store's search table: an HTTP route answered by one store method, whose JSON text is
 * the response body. `search()` checks a row's params against its method and hides the method's type,
 * so rows for different methods sit in one list.
 */
import type { FastifyRequest } from 'fastify';
import type { StoreMethod, StoreParams, StoreResult } from '../../store/store-api.ts';
import type { StoreClient } from '../../store/store-client.ts';

/** What the store's routes read from a request: the body stays raw (OTLP may be protobuf). */
export interface StoreRouteShape {
  Params: { org?: string; stream?: string; trace_id?: string };
  Querystring: Record<string, string | undefined>;
  Body: Buffer | undefined;
}
export type StoreRouteRequest = FastifyRequest<StoreRouteShape>;

/** The store methods that answer with JSON text, ready to send. */
export type JsonMethod = { [K in StoreMethod]: StoreResult<K> extends string ? K : never }[StoreMethod];

export interface SearchRow<K extends JsonMethod> {
  http: 'GET' | 'POST';
  path: string;
  /** The store method that answers. */
  method: K;
  /** The method's params from the request; throws an error with a 4xx `statusCode` to refuse it. */
  params: (request: StoreRouteRequest) => StoreParams<K>;
  /** An answer given without the store, when it returns one (checked before `params`). */
  answer?: (request: StoreRouteRequest) => string | undefined;
  /** The body's content type when it is not JSON (server-sent events). */
  type?: string;
}

export interface SearchRoute {
  http: 'GET' | 'POST';
  path: string;
  /** The content type of the body `answer` gives. */
  type: string;
  /** The response body: JSON text unless `type` says otherwise. */
  answer(store: StoreClient, request: StoreRouteRequest): Promise<string>;
}

export function search<K extends JsonMethod>(row: SearchRow<K>): SearchRoute {
  return {
    http: row.http,
    path: row.path,
    type: row.type ?? 'application/json',
    answer: async (store, request) => row.answer?.(request) ?? store.call(row.method, row.params(request)),
  };
}
