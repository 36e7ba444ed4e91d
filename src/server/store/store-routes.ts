/**
 * The trace store's HTTP API on the gateway's port, at OpenObserve's paths: OTLP/HTTP ingest
 * (`/api/{org}/v1/traces`, `/api/{org}/traces`, `/api/{org}/otel/v1/traces`, and the standard
 * `/v1/traces`), `_search`, the trace list and trace details. Bodies are read raw: OTLP is protobuf or
 * JSON, possibly compressed, and decoding happens in the store worker.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { otlpFormat } from '../../store/otlp/format.ts';
import type { StoreClient } from '../../store/store-client.ts';
import { createStoreAuthHook } from './store-auth.ts';
import { sendStoreError, storeErrorOf } from './store-errors.ts';

export const INGEST_ROUTES = [
  '/api/:org/v1/traces',
  '/api/:org/traces',
  '/api/:org/otel/v1/traces',
  '/v1/traces',
];
export const SEARCH_ROUTES = [
  '/api/:org/_search',
  '/api/:org/:stream/traces/latest',
  '/api/:org/:stream/traces/:trace_id/details',
  '/api/:org/streams',
  '/api/:org/streams/:stream/schema',
  '/api/:org/:stream/models',
];
/** Every store route: the gateway's own key check leaves these to the store's. */
export const STORE_ROUTES: ReadonlySet<string> = new Set([...INGEST_ROUTES, ...SEARCH_ROUTES]);

export interface StoreRoutesOptions {
  store: StoreClient;
  masterKey?: string;
  loopback: boolean;
  bodyLimitBytes: number;
}

type Req = FastifyRequest<{
  Params: { org?: string; stream?: string; trace_id?: string };
  Querystring: Record<string, string | undefined>;
  Body: Buffer | undefined;
}>;

const ORG = /^[A-Za-z0-9_-]{1,64}$/;

export function registerStoreRoutes(app: FastifyInstance, options: StoreRoutesOptions): void {
  const { store } = options;
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
      const status = result.rejected > 0 ? 206 : 200;
      if (format === 'protobuf')
        return reply
          .code(status)
          .type('application/x-protobuf')
          .send(Buffer.from(result.protobuf ?? []));
      const body =
        result.rejected > 0
          ? { partialSuccess: { rejectedSpans: result.rejected, errorMessage: result.message } }
          : {};
      return reply.code(status).type('application/json').send(JSON.stringify(body));
    };
    for (const path of INGEST_ROUTES) scope.post(path, ingest);

    scope.post('/api/:org/_search', async (request: Req, reply) => {
      const type = request.query.type;
      if (type !== undefined && type !== 'traces')
        return sendStoreError(
          reply,
          400,
          `This store keeps traces only; search with type=traces (got "${type}")`,
        );
      let body: unknown;
      try {
        body = JSON.parse((request.body ?? Buffer.alloc(0)).toString('utf8'));
      } catch (err) {
        return sendStoreError(
          reply,
          400,
          `Invalid json: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
      return json(reply, await store.call('search', { org: org(request), body }));
    });
    scope.get('/api/:org/streams', async (request: Req, reply) => {
      const type = request.query.type;
      if (type !== undefined && type !== 'traces') return json(reply, '{"list":[]}');
      return json(reply, await store.call('streams', { org: org(request) }));
    });
    scope.get('/api/:org/streams/:stream/schema', async (request: Req, reply) =>
      json(reply, await store.call('streams', { org: org(request), stream: request.params.stream ?? '' })),
    );
    scope.get('/api/:org/:stream/models', async (request: Req, reply) =>
      json(reply, await store.call('models', inStream(request))),
    );
    scope.get('/api/:org/:stream/traces/latest', async (request: Req, reply) =>
      json(reply, await store.call('latest', inStream(request))),
    );
    scope.get('/api/:org/:stream/traces/:trace_id/details', async (request: Req, reply) =>
      json(
        reply,
        await store.call('details', { traceId: request.params.trace_id ?? '', ...inStream(request) }),
      ),
    );
  });
}

/** Organisation, stream and query parameters of a `/api/{org}/{stream}/…` request. */
function inStream(request: Req) {
  return { org: org(request), stream: request.params.stream ?? '', query: request.query };
}

/** The `organization` header overrides the path, as in OpenObserve; `/v1/traces` goes to `default`. */
function org(request: Req): string {
  const value = header(request, 'organization') ?? request.params.org ?? 'default';
  if (!ORG.test(value))
    throw Object.assign(new Error(`Invalid organization "${value}"`), { statusCode: 400 });
  return value;
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first?.trim() || undefined;
}

function json(reply: FastifyReply, text: string): FastifyReply {
  return reply.type('application/json').send(text);
}
