/**
 * The store's search routes when the gateway has no store of its own but exports to an OpenObserve:
 * each is forwarded to that OpenObserve, so the UI (and any script written for the store) reads the
 * remote through the gateway. The credentials are added here and never reach the client; callers are
 * checked like on the local store's routes (master key, or loopback without one). The remote's answer
 * comes back as it is (status and JSON); a remote that cannot be reached is a 502 in OpenObserve's
 * error JSON.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { type RemoteOpenObserve, RemoteUnavailable } from '../../store/remote-openobserve.ts';
import type { StoreRouteRequest as Req, StoreRouteShape } from './search-route.ts';
import { createStoreAuthHook } from './store-auth.ts';
import { sendStoreError } from './store-errors.ts';
import { SEARCH_ROUTES } from './store-routes.ts';

/** Tollgate's own routes over the embedded store's rollups: OpenObserve has no such path. */
const LOCAL_ONLY = new Set(['/api/:org/:stream/models']);

/** Set on every answer the remote gave (not on the gateway's own refusals). */
export const SOURCE_HEADER = 'x-tollgate-source';

export const REMOTE_ROUTES: ReadonlySet<string> = new Set(SEARCH_ROUTES.filter((p) => !LOCAL_ONLY.has(p)));

export interface RemoteRoutesOptions {
  remote: RemoteOpenObserve;
  masterKey?: string;
  loopback: boolean;
  bodyLimitBytes: number;
}

export function registerRemoteRoutes(app: FastifyInstance, options: RemoteRoutesOptions): void {
  const { remote } = options;
  app.addHook('onClose', () => remote.close());
  app.register(async function remoteStoreApi(scope) {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: options.bodyLimitBytes },
      (_req, body, done) => done(null, body),
    );
    scope.addHook('onRequest', createStoreAuthHook(options));
    for (const path of REMOTE_ROUTES) {
      const method = path.endsWith('/_search') ? 'POST' : 'GET';
      scope.route<StoreRouteShape>({
        method,
        url: path,
        handler: async (request, reply) => forward(remote, path, method, request, reply),
      });
    }
  });
}

async function forward(
  remote: RemoteOpenObserve,
  pattern: string,
  method: 'GET' | 'POST',
  request: Req,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const { org = 'default', stream, trace_id } = request.params;
  if (org !== 'default' && org !== remote.org)
    return sendStoreError(
      reply,
      403,
      `This gateway reads the org "${remote.org}" of OpenObserve at ${remote.url} (as "default" or "${remote.org}"), not "${org}"`,
    );
  const segment = (value: string) => encodeURIComponent(value);
  const path = pattern
    .replace(':org', segment(remote.orgOf(org)))
    .replace(':stream', segment(remote.streamOf(stream ?? '')))
    .replace(':trace_id', segment(trace_id ?? ''));
  const at = request.url.indexOf('?');
  const query = at >= 0 ? request.url.slice(at) : '';
  const body = method === 'POST' ? withStream(remote, request.body ?? Buffer.alloc(0)) : undefined;
  try {
    const answer = await remote.call(method, `${path}${query}`, body);
    // Tells the UI that a 401 is OpenObserve refusing the gateway's credentials, not a missing key here.
    return reply
      .code(answer.status)
      .header(SOURCE_HEADER, 'openobserve')
      .type(answer.contentType)
      .send(answer.body);
  } catch (err) {
    if (!(err instanceof RemoteUnavailable)) throw err;
    request.log.warn({ remote: remote.url, reason: err.message }, 'trace search: OpenObserve not reachable');
    return sendStoreError(reply, 502, err.message);
  }
}

/** A `_search` body whose SQL reads `"default"` reads the configured stream; other bodies go as sent. */
function withStream(remote: RemoteOpenObserve, raw: Buffer): Buffer {
  if (remote.stream === 'default') return raw;
  try {
    const body = JSON.parse(raw.toString('utf8')) as { query?: { sql?: unknown } };
    if (typeof body.query?.sql !== 'string') return raw;
    body.query.sql = remote.sqlOf(body.query.sql);
    return Buffer.from(JSON.stringify(body));
  } catch {
    // Not JSON: the remote says so in its own words.
    return raw;
  }
}
