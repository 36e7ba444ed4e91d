/**
 * Which web pages may call the gateway from another origin (`general_settings.cors_allow_origins`, as
 * in LiteLLM), and the CORS headers that tell their browser so. Nothing is allowed unless configured:
 * LiteLLM's default is every origin, which lets any page a user visits spend the provider keys and read
 * the stored prompts of a gateway without a master key.
 *
 * No `Access-Control-Allow-Credentials`: the gateway's only credential is a key the page sends in a
 * header, never a cookie, so `*` works for the exposed headers and browsers send no cookies along.
 */
import { parseHost } from './host-check.ts';

/** Every method the gateway's routes take. */
const METHODS = 'GET, POST, PUT, DELETE, OPTIONS';
/** How long a browser may reuse a preflight's answer (Chromium caps it at 2 hours). */
const MAX_AGE_SECONDS = '600';
/** A header list as browsers send it in `Access-Control-Request-Headers`. */
const HEADER_LIST = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+(?:\s*,\s*[A-Za-z0-9!#$%&'*+.^_`|~-]+)*$/;
const DEFAULT_PORTS: Readonly<Record<string, string>> = { 'http:': '80', 'https:': '443' };

export class OriginAllowList {
  private readonly origins: ReadonlySet<string>;
  private readonly any: boolean;

  /** `configured`: origins normalised by the config (`scheme://host[:port]`, lower case), or `*`. */
  constructor(configured: readonly string[]) {
    this.any = configured.includes('*');
    this.origins = new Set(configured);
  }

  allows(origin: string): boolean {
    return this.any || this.origins.has(origin.toLowerCase());
  }
}

/**
 * Whether an `Origin` header names the gateway itself: the same host and port as the `Host` header the
 * request was sent with (the UI's own calls). An `Origin` of `null` (sandboxed frames, files) never does.
 */
export function isSameOrigin(origin: string, hostHeader: string | undefined): boolean {
  if (hostHeader === undefined) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  const host = parseHost(hostHeader);
  const from = parseHost(url.host);
  if (!host || !from || host.name !== from.name) return false;
  // A Host without a port was sent to the default port of the page's scheme.
  const defaultPort = DEFAULT_PORTS[url.protocol];
  return (host.port ?? defaultPort) === (from.port ?? defaultPort);
}

/** Headers of every answer to an allowed origin; `*` exposes the `x-tollgate-*` and `retry-after` headers. */
export function corsHeaders(origin: string): Record<string, string> {
  return {
    'access-control-allow-origin': origin,
    'access-control-expose-headers': '*',
    vary: 'Origin',
  };
}

/**
 * The answer to a preflight from an allowed origin. The requested headers are echoed back: the OpenAI
 * SDK in a browser sends its own `x-stainless-*` headers, and `Authorization` is never covered by `*`.
 */
export function preflightHeaders(origin: string, requested: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {
    ...corsHeaders(origin),
    'access-control-allow-methods': METHODS,
    'access-control-max-age': MAX_AGE_SECONDS,
    vary: 'Origin, Access-Control-Request-Headers',
  };
  if (requested !== undefined && HEADER_LIST.test(requested.trim()))
    headers['access-control-allow-headers'] = requested.trim();
  return headers;
}
