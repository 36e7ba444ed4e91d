/**
 * The ONE place that turns errors on the trace store's API into OpenObserve's error JSON
 * (`{"code": 400, "message": "…"}`), which OpenObserve clients and scripts already read.
 */
import type { FastifyError, FastifyReply } from 'fastify';
import { RemoteError, RemoteUnavailable } from '../../store/remote-openobserve.ts';
import { StoreError } from '../../store/store-client.ts';

/** Seconds an OTLP exporter is asked to wait before retrying a 503 (busy, restarting, disk full). */
const RETRY_AFTER_S = 10;

export function sendStoreError(reply: FastifyReply, status: number, message: string): FastifyReply {
  if (status === 503) reply.header('retry-after', String(RETRY_AFTER_S));
  return reply
    .code(status)
    .type('application/json')
    .send(JSON.stringify({ code: status, message }));
}

/** Status and message for any error thrown on a store route; internal details never reach the client. */
export function storeErrorOf(err: unknown, bodyLimitBytes: number): { status: number; message: string } {
  if (err instanceof StoreError) {
    return err.status >= 500 && err.status !== 503
      ? { status: 500, message: 'The trace store hit an internal error. It has been logged.' }
      : { status: err.status, message: err.message };
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
