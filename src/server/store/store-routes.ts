/**
 * The trace store's HTTP API on the gateway's port, at OpenObserve's paths: OTLP/HTTP ingest
 * (`/api/{org}/v1/traces`, `/api/{org}/traces`, `/api/{org}/otel/v1/traces`, and the standard
 * `/v1/traces`), `_search`, streams, models, the trace list and trace details. Bodies are read raw: OTLP
 * is protobuf or JSON, possibly compressed, and decoding happens in the store worker. The searches are
 * one table, from which the route lists the gateway's auth hook reads are derived.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { otlpFormat } from '../../store/otlp/format.ts';
import type { StoreParams } from '../../store/store-api.ts';
import type { StoreClient } from '../../store/store-client.ts';
import { createIngestLog } from './ingest-log.ts';
import {
  type StoreRouteRequest as Req,
  type SearchRoute,
  type StoreRouteShape,
  search,
} from './search-route.ts';
import { createStoreAuthHook } from './store-auth.ts';
import { sendStoreError, storeErrorOf } from './store-errors.ts';

export const INGEST_ROUTES = [
  '/api/:org/v1/traces',
  '/api/:org/traces',
  '/api/:org/otel/v1/traces',
  '/v1/traces',
];
/** The searches: each row maps an HTTP route onto a store method and says how to read its params. */
const SEARCHES: readonly SearchRoute[] = [
  search({ http: 'POST', path: '/api/:org/_search', method: 'search', params: searchParams }),
  search({
    http: 'GET',
    path: '/api/:org/streams',
    method: 'streams',
    // OpenObserve lists logs and metrics streams here too; this store has none.
    answer: (request) => (isTraces(request) ? undefined : '{"list":[]}'),
    params: (request) => ({ org: org(request) }),
  }),
  search({
    http: 'GET',
    path: '/api/:org/streams/:stream/schema',
    method: 'streams',
    params: (request) => ({ org: org(request), stream: request.params.stream ?? '' }),
  }),
  search({ http: 'GET', path: '/api/:org/:stream/models', method: 'models', params: inStream }),
  search({ http: 'GET', path: '/api/:org/:stream/traces/latest', method: 'latest', params: inStream }),
  search({
    http: 'GET',
    path: '/api/:org/:stream/traces/:trace_id/details',
    method: 'details',
    params: (request) => ({ traceId: request.params.trace_id ?? '', ...inStream(request) }),
  }),
];
export const SEARCH_ROUTES: readonly string[] = SEARCHES.map((route) => route.path);
/** Every store route: the gateway's own key check leaves these to the store's. */
export const STORE_ROUTES: ReadonlySet<string> = new Set([...INGEST_ROUTES, ...SEARCH_ROUTES]);

export interface StoreRoutesOptions {
  store: StoreClient;
  masterKey?: string;
  loopback: boolean;
  bodyLimitBytes: number;
}

const ORG = /^[A-Za-z0-9_-]{1,64}$/;

export function registerStoreRoutes(app: FastifyInstance, options: StoreRoutesOptions): void {
  const { store } = options;
  const ingestLog = createIngestLog(app.log);
  app.addHook('onClose', async () => ingestLog.flush());
  app.register(async function storeApi(scope) {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: options.bodyLimitBytes },
      (_req, body, done) => done(null, body),
    );
    scope.setErrorHandler(function onStoreError(err: unknown, request: FastifyRequest, reply: FastifyReply) {
      const { status, message } = storeErrorOf(err, options.bodyLimitBytes);
      if (status === 500) request.log.error({ err }, 'trace store error');
      return sendStoreError(reply, status, message);
    });
    scope.addHook('onRequest', createStoreAuthHook(options));

    const ingest = async (request: Req, reply: FastifyReply) => {
      const contentType = request.headers['content-type'];
      const format = otlpFormat(contentType);
      if (!format)
        return sendStoreError(
          reply,
          400,
          `Unsupported Content-Type "${contentType}": send application/x-protobuf or application/json`,
        );
      const result = await store.call('ingest', {
        org: org(request),
        stream: header(request, 'stream-name'),
        bytes: request.body ?? Buffer.alloc(0),
        format,
        encoding: header(request, 'content-encoding'),
      });
      ingestLog.stored(result.trimmed);
      // As OpenObserve answers: protobuf is always a 200 (rejected spans are told in the body), JSON a
      // 206 when spans were rejected.
      if (format === 'protobuf')
        return reply
          .code(200)
          .type('application/x-protobuf')
          .send(Buffer.from(result.protobuf ?? []));
      // A message with no span rejected is a warning (what was cut from stored spans), as OTLP has it.
      const partialSuccess =
        result.message !== '' ? { rejectedSpans: result.rejected, errorMessage: result.message } : null;
      return reply
        .code(result.rejected > 0 ? 206 : 200)
        .type('application/json')
        .send(JSON.stringify({ partialSuccess }));
    };
    for (const path of INGEST_ROUTES) scope.post(path, ingest);

    for (const route of SEARCHES)
      scope.route<StoreRouteShape>({
        method: route.http,
        url: route.path,
        handler: async (request, reply) => json(reply, await route.answer(store, request)),
      });
  });
}

/** `_search`: OpenObserve's search body, for traces only. */
function searchParams(request: Req): StoreParams<'search'> {
  const type = request.query.type;
  if (!isTraces(request))
    throw badRequest(`This store keeps traces only; search with type=traces (got "${type}")`);
  let body: unknown;
  try {
    body = JSON.parse((request.body ?? Buffer.alloc(0)).toString('utf8'));
  } catch (err) {
    throw badRequest(`Invalid json: ${err instanceof Error ? err.message : String(err)}`);
  }
  return { org: org(request), body };
}

/** Organisation, stream and query parameters of a `/api/{org}/{stream}/…` request. */
function inStream(request: Req) {
  return { org: org(request), stream: request.params.stream ?? '', query: request.query };
}

function isTraces(request: Req): boolean {
  const type = request.query.type;
  return type === undefined || type === 'traces';
}

/** The `organization` header overrides the path, as in OpenObserve; `/v1/traces` goes to `default`. */
function org(request: Req): string {
  const value = header(request, 'organization') ?? request.params.org ?? 'default';
  if (!ORG.test(value)) throw badRequest(`Invalid organization "${value}"`);
  return value;
}

/** Thrown, it is answered as OpenObserve's error JSON by the scope's error handler. */
function badRequest(message: string): Error {
  return Object.assign(new Error(message), { statusCode: 400 });
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first?.trim() || undefined;
}

function json(reply: FastifyReply, text: string): FastifyReply {
  return reply.type('application/json').send(text);
}
