/**
 * Keeps web pages the user happens to visit from using the gateway through the user's browser. Runs
 * before the key check, on every route, and answers in the route's dialect (OpenAI's error JSON, or
 * OpenObserve's on the store's and alerts' routes).
 *
 * Without a master key, anything that can reach the port is let in, and a browser can reach a loopback
 * port from any page. So, without a key:
 * - the Host header must be a localhost name, an IP address or a configured name (DNS rebinding);
 * - a request whose Origin is another site is refused unless that origin is configured;
 * - a body must be JSON (or OTLP protobuf on the ingest routes, a multipart form on the upload routes):
 *   `text/plain` and form bodies are what a page can send cross-site without a preflight, and are
 *   refused before they are read. The upload routes must take forms (OpenAI's SDKs send audio so); a
 *   page of another site posting one is refused by the Origin check above, which browsers make
 *   possible by sending Origin with every cross-origin POST.
 * With a master key, a page cannot send the key without a preflight, which only configured origins
 * pass; their answers carry CORS headers. Same-origin calls (the UI) need none of this.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../errors/gateway-error.ts';
import { otlpFormat } from '../store/otlp/format.ts';
import { corsHeaders, isSameOrigin, OriginAllowList, preflightHeaders } from './cors.ts';
import { sendError } from './error-handler.ts';
import { HostAllowList } from './host-check.ts';
import { sendStoreError } from './store/store-errors.ts';

export interface WebGuardOptions {
  masterKey?: string;
  /** The address the gateway listens on: a name there (`--host my-box`) is an allowed Host. */
  listenHost: string;
  /** `general_settings.allowed_hosts`: names besides localhost and IP addresses; `*.domain`, `*`. */
  allowedHosts?: readonly string[];
  /** `general_settings.cors_allow_origins`: normalised origins, or `*`. */
  allowedOrigins?: readonly string[];
  /** Routes that answer in OpenObserve's error dialect: the store's and the alerts'. */
  storeRoutes: ReadonlySet<string>;
  /** Routes that take OTLP protobuf bodies besides JSON. */
  otlpRoutes: ReadonlySet<string>;
  /** Routes that take multipart forms besides JSON (audio transcriptions). */
  uploadRoutes?: ReadonlySet<string>;
}

/** `application/json` and the `+json` types (`application/merge-patch+json`, …). */
const JSON_TYPE = /^application\/(?:[a-z0-9.!#$&^_-]+\+)?json$/;
/** At most this much of a header is quoted back in an error message. */
const QUOTE_CHARS = 100;

export function createWebGuard(options: WebGuardOptions) {
  const open = options.masterKey === undefined;
  const hosts = new HostAllowList(options.allowedHosts ?? [], options.listenHost);
  const origins = new OriginAllowList(options.allowedOrigins ?? []);

  const refuse = (
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    code: string,
    message: string,
  ) =>
    options.storeRoutes.has(request.routeOptions.url ?? '')
      ? sendStoreError(reply, status, message)
      : sendError(reply, new GatewayError(message, { status, type: 'invalid_request_error', code }));

  return async function guardWeb(request: FastifyRequest, reply: FastifyReply) {
    const host = request.headers.host;
    if (open && !hosts.allows(host)) {
      request.log.debug({ host }, 'refused a request for a host name that is not allowed');
      return refuse(request, reply, 403, 'host_not_allowed', hostMessage(host ?? ''));
    }

    const origin = header(request, 'origin');
    if (origin !== undefined && !isSameOrigin(origin, host)) {
      const preflight =
        request.method === 'OPTIONS' && header(request, 'access-control-request-method') !== undefined;
      if (origins.allows(origin)) {
        if (preflight)
          return reply
            .code(204)
            .headers(preflightHeaders(origin, header(request, 'access-control-request-headers')))
            .send();
        // On the raw response, so that streams (written past Fastify's reply) carry them too.
        for (const [name, value] of Object.entries(corsHeaders(origin))) reply.raw.setHeader(name, value);
      } else if (open || preflight) {
        request.log.debug({ origin }, 'refused a cross-origin request');
        return refuse(request, reply, 403, 'origin_not_allowed', originMessage(origin, open));
      }
    }

    if (open && hasBody(request)) {
      const type = (header(request, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      const route = request.routeOptions.url ?? '';
      const otlp = options.otlpRoutes.has(route);
      const upload = options.uploadRoutes?.has(route) === true;
      if (
        !JSON_TYPE.test(type) &&
        !(otlp && otlpFormat(type) === 'protobuf') &&
        !(upload && type === 'multipart/form-data')
      )
        return refuse(request, reply, 415, 'unsupported_media_type', typeMessage(type, otlp, upload));
    }
  };
}

function hostMessage(host: string): string {
  return (
    `Host "${host.slice(0, QUOTE_CHARS)}" is not a name this gateway answers to without a master key ` +
    '(a defence against DNS rebinding). Call it as localhost or by IP address, add the name to ' +
    'general_settings.allowed_hosts (or TOLLGATE_ALLOWED_HOSTS), or set a master key.'
  );
}

function originMessage(origin: string, open: boolean): string {
  const quoted = origin.slice(0, QUOTE_CHARS);
  return open
    ? `Cross-origin request from ${quoted} refused: without a master key, only pages of the gateway's own ` +
        'origin may call it. Add the origin to general_settings.cors_allow_origins (or ' +
        'LITELLM_CORS_ALLOW_ORIGINS) to allow it.'
    : `Origin ${quoted} is not allowed to call this gateway: add it to general_settings.cors_allow_origins ` +
        '(or LITELLM_CORS_ALLOW_ORIGINS).';
}

function typeMessage(type: string, otlp: boolean, upload: boolean): string {
  const accepted = otlp
    ? 'application/json or application/x-protobuf'
    : upload
      ? 'multipart/form-data'
      : 'application/json';
  const sent =
    type === ''
      ? 'The request has a body but no Content-Type'
      : `Content-Type "${type.slice(0, QUOTE_CHARS)}" is not accepted`;
  return (
    `${sent}: send the body as ${accepted}. (Without a master key, other types are refused so that ` +
    'web pages cannot post to the gateway.)'
  );
}

/** Fastify reads a body when there is a length above 0 or a chunked one. */
function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}
