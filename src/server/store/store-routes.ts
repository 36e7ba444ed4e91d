/**
 * The trace store's HTTP API on the gateway's port, at OpenObserve's paths: OTLP/HTTP ingest
 * (`/api/{org}/v1/traces`, `/api/{org}/traces`, `/api/{org}/otel/v1/traces`, and the standard
 * `/v1/traces`), `_search`, `_values`, streams, organisations, models, the trace list (also as
 * server-sent events), trace details, and the LLM sessions and users. Bodies are read raw: OTLP
 * is protobuf or JSON, possibly compressed, and decoding happens in the store worker. The searches are
 * one table, from which the route lists the gateway's auth hook reads are derived.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { otlpFormat } from '../../store/otlp/format.ts';
import { QueryError, searchError } from '../../store/search/query-error.ts';
import { readSearchBody } from '../../store/search/search-body.ts';
import type { ListOptions } from '../../store/search/streams.ts';
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
import { traceIdOf } from './trace-id.ts';

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
    // OpenObserve lists logs and metrics streams here too; this store has none. Its parameters are
    // checked first, whatever the type.
    answer: (request) => {
      streamOptions(request);
      return isTraces(request) ? undefined : '{"list":[],"total":0}';
    },
    params: (request) => ({ org: org(request), options: streamOptions(request) }),
  }),
  // OpenObserve's own path, and the one the Grafana datasource's "Save & test" calls.
  search({ http: 'GET', path: '/api/organizations', method: 'organizations', params: organizations }),
  search({ http: 'GET', path: '/api/:org/organizations', method: 'organizations', params: organizations }),
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
    path: '/api/:org/:stream/traces/latest_stream',
    method: 'latestStream',
    params: inStream,
    type: 'text/event-stream',
  }),
  search({ http: 'GET', path: '/api/:org/:stream/_values', method: 'values', params: inStream }),
  search({ http: 'GET', path: '/api/:org/:stream/traces/session', method: 'sessions', params: inStream }),
  search({
    http: 'GET',
    path: '/api/:org/:stream/traces/session/details',
    method: 'sessionDetails',
    params: inStream,
  }),
  search({ http: 'GET', path: '/api/:org/:stream/traces/user', method: 'users', params: inStream }),
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
      const { status, message, shape } = storeErrorOf(err, options.bodyLimitBytes);
      if (status === 500) request.log.error({ err }, 'trace store error');
      return sendStoreError(reply, status, message, shape, request);
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
        handler: async (request, reply) => reply.type(route.type).send(await route.answer(store, request)),
      });
  });
}

/**
 * `_search`: OpenObserve's search body, for traces only. A body that is not JSON, or lacks a required
 * field, is refused here as OpenObserve's JSON extractor refuses it (plain text, with its position).
 */
function searchParams(request: Req): StoreParams<'search'> {
  const type = request.query.type;
  if (!isTraces(request))
    throw searchError(
      'invalidParams',
      `This store keeps traces only; search with type=traces (got "${type}")`,
    );
  const text = (request.body ?? Buffer.alloc(0)).toString('utf8');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new QueryError(`Failed to parse the request body as JSON: ${why}`, 400, { text: true });
  }
  readSearchBody(body, text);
  return { org: org(request), body, traceId: traceIdOf(request) };
}

/** OpenObserve's listing parameters; a `fetchSchema` other than true or false is refused as there. */
function streamOptions(request: Req): ListOptions {
  const fetch = request.query.fetchSchema?.toLowerCase();
  if (fetch !== undefined && fetch !== 'true' && fetch !== 'false')
    throw badRequest(" 'fetchSchema' query param with value 'true' or 'false' allowed");
  const asc = request.query.asc;
  return {
    fetchSchema: fetch === 'true',
    keyword: request.query.keyword || undefined,
    offset: whole(request.query.offset),
    limit: whole(request.query.limit),
    sort: request.query.sort || undefined,
    asc: asc === undefined ? true : asc.toLowerCase() === 'true' || asc === '1',
  };
}

/** An unsigned integer parameter; anything else counts as absent (0), as OpenObserve parses it. */
function whole(value: string | undefined): number {
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : 0;
}

/** The caller is the master key's holder; HTTP Basic names them (OpenObserve's user id, an email there). */
function organizations(request: Req): StoreParams<'organizations'> {
  const auth = /^Basic\s+(\S+)$/i.exec(request.headers.authorization?.trim() ?? '');
  const decoded = auth?.[1] ? Buffer.from(auth[1], 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  const size = request.query.page_size ?? '100';
  return {
    user: colon > 0 ? decoded.slice(0, colon) : '',
    pageSize: /^-?\d+$/.test(size) ? Math.max(0, Number(size)) : Number.MAX_SAFE_INTEGER,
  };
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
