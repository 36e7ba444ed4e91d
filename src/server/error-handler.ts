/**
 * The ONE place that turns an error into OpenAI's error JSON. Bad input is a clean 4xx with a readable
 * message; anything unexpected is a 500 whose details go to the log, never to the client.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../errors/gateway-error.ts';
import type { JsonObject } from '../shared/json.ts';

/** An error as a client dialect's HTTP answer (Anthropic's shape on the Messages API's routes). */
export type ErrorAnswer = (error: GatewayError) => { status: number; body: JsonObject };

declare module 'fastify' {
  interface FastifyContextConfig {
    /** How this route's errors look, when not OpenAI's; the key check and the web guard use it too. */
    errorAnswer?: ErrorAnswer;
    /** A virtual key that is not an admin's may call this route (model routes, a key's own info). */
    virtualKeys?: boolean;
    /** A key whose user is an internal user may call this route about its own keys (self-serve). */
    internalUsers?: boolean;
  }
}

export function toGatewayError(err: unknown, bodyLimitBytes: number): GatewayError {
  if (err instanceof GatewayError) return err;
  const fe = err as Partial<FastifyError>;
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new GatewayError(
        `The request body is larger than the limit of ${formatBytes(bodyLimitBytes)}.`,
        {
          status: 413,
          type: 'invalid_request_error',
          code: 'request_too_large',
        },
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return badBody('The request body is empty; send a JSON object.');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return badBody('The Content-Length header does not match the body.');
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new GatewayError(fe.message ?? 'Bad request', {
      status: fe.statusCode,
      type: 'invalid_request_error',
    });
  }
  return new GatewayError('The gateway hit an internal error. It has been logged.', {
    status: 500,
    type: 'api_error',
    code: 'internal_error',
    cause: err,
  });
}

/** Client errors a retry of the same request may cure (the SDKs retry them): every other 4xx cannot. */
const RETRIED_4XX = new Set([408, 409, 429]);

export function sendError(reply: FastifyReply, error: GatewayError): FastifyReply {
  if (error.retryAfterSeconds !== undefined)
    reply.header('retry-after', String(Math.ceil(error.retryAfterSeconds)));
  // The OpenAI and Anthropic SDKs' own signal. Without it Claude Code retries a 401 (a key refused a
  // model) for minutes before it says why; with it, it says at once.
  if (error.status >= 400 && error.status < 500 && !RETRIED_4XX.has(error.status))
    reply.header('x-should-retry', 'false');
  const dialect = reply.request.routeOptions.config?.errorAnswer;
  const answer = dialect ? dialect(error) : { status: error.status, body: error.toJSON() };
  return reply.code(answer.status).type('application/json; charset=utf-8').send(JSON.stringify(answer.body));
}

/** Registers the error and not-found handlers on the app. */
export function installErrorHandlers(app: FastifyInstance, bodyLimitBytes: number): void {
  app.setErrorHandler(function onError(err: unknown, request: FastifyRequest, reply: FastifyReply) {
    // A route may have a limit of its own (uploads).
    const error = toGatewayError(err, request.routeOptions.bodyLimit ?? bodyLimitBytes);
    if (error.status >= 500 && !(err instanceof GatewayError)) request.log.error({ err }, 'internal error');
    return sendError(reply, error);
  });
  app.setNotFoundHandler(function onNotFound(request: FastifyRequest, reply: FastifyReply) {
    const path = request.url.split('?')[0] ?? '';
    const error = new GatewayError(`Unknown request URL: ${request.method} ${path}.`, {
      status: 404,
      type: 'invalid_request_error',
      code: 'unknown_url',
    });
    return sendError(reply, error);
  });
}

function badBody(message: string): GatewayError {
  return new GatewayError(message, { status: 400, type: 'invalid_request_error', code: 'invalid_body' });
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(0)} MiB` : `${bytes} bytes`;
}
