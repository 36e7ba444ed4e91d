/**
 * The ONE place that turns errors on the trace store's API into what OpenObserve answers:
 * - a search error: its error JSON, `{"code": 20001, "message": …, "error_detail": …, "trace_id": …}`,
 *   with the code also in `X-Error-Message`;
 * - a request body OpenObserve's JSON extractor would refuse: plain text (400 or 422);
 * - anything else: `{"code": <status>, "message": …}`.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { RemoteError, RemoteUnavailable } from '../../store/remote-openobserve.ts';
import { QueryError, type QueryErrorOptions } from '../../store/search/query-error.ts';
import { StoreError } from '../../store/store-client.ts';
import { traceIdOf } from './trace-id.ts';

/** Seconds an OTLP exporter is asked to wait before retrying a 503 (busy, restarting, disk full). */
const RETRY_AFTER_S = 10;

export interface StoreErrorAnswer {
  status: number;
  message: string;
  shape?: QueryErrorOptions;
}

export function sendStoreError(
  reply: FastifyReply,
  status: number,
  message: string,
  shape: QueryErrorOptions = {},
  request?: FastifyRequest,
): FastifyReply {
  if (status === 503) reply.header('retry-after', String(RETRY_AFTER_S));
  if (shape.text) return reply.code(status).type('text/plain; charset=utf-8').send(message);
  if (shape.code === undefined)
    return reply
      .code(status)
      .type('application/json')
      .send(JSON.stringify({ code: status, message }));
  const body = {
    code: shape.code,
    message,
    ...(shape.detail !== undefined ? { error_detail: shape.detail } : {}),
    ...(request ? { trace_id: traceIdOf(request) } : {}),
    ...(shape.suggestions ? { suggestions: shape.suggestions } : {}),
  };
  return reply
    .code(status)
    .header('x-error-message', String(shape.code))
    .type('application/json')
    .send(JSON.stringify(body));
}

/** Status, message and shape for any error thrown on a store route; internal details never reach the client. */
export function storeErrorOf(err: unknown, bodyLimitBytes: number): StoreErrorAnswer {
  if (err instanceof QueryError) {
    const { code, detail, suggestions, text } = err;
    return { status: err.status, message: err.message, shape: { code, detail, suggestions, text } };
  }
  if (err instanceof StoreError) {
    return err.status >= 500 && err.status !== 503
      ? { status: 500, message: 'The trace store hit an internal error. It has been logged.' }
      : { status: err.status, message: err.message, shape: err.shape };
  }
  // The OpenObserve the gateway reads (an alert's query) is down or refused it: its words, as a bad gateway.
  if (err instanceof RemoteUnavailable || err instanceof RemoteError)
    return { status: 502, message: err.message };
  const fe = err as Partial<FastifyError>;
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return { status: 413, message: `The request body is larger than the limit of ${bodyLimitBytes} bytes` };
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500)
    return { status: fe.statusCode, message: fe.message ?? 'Bad request' };
  return { status: 500, message: 'The trace store hit an internal error. It has been logged.' };
}
