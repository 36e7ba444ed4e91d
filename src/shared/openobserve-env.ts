/**
 * OpenObserve's trace endpoint from its SDK's settings: the same variables and defaults as the Python
 * `openobserve_init` (OPENOBSERVE_URL, _ORG, _AUTH_TOKEN, _TRACES_STREAM_NAME, _TIMEOUT, _ENABLED), shared
 * by the gateway's exporter and the client SDK so both reach the same place the same way. It lives in
 * shared/ because the SDK ships alone (tsconfig.sdk.json) and must not reach into the gateway's layers,
 * nor the gateway into the SDK.
 */

export interface OpenObserveSettings {
  /** OpenObserve's base URL; a trailing slash is fine. */
  url: string;
  org: string;
  streamName: string;
  /** The whole `Authorization` value, e.g. `Basic <base64>`; none for a local Tollgate without a key. */
  authToken?: string;
  timeoutSeconds: number;
  enabled: boolean;
}

export interface TraceEndpoint {
  url: string;
  headers: Record<string, string>;
  timeoutMillis: number;
}

const FALSE = new Set(['false', '0', 'no', 'off']);

/** The settings the environment gives; absent variables take the SDK's defaults. */
export function openObserveEnv(env: NodeJS.ProcessEnv): OpenObserveSettings {
  const seconds = Number(env.OPENOBSERVE_TIMEOUT ?? 30);
  const token = env.OPENOBSERVE_AUTH_TOKEN?.trim();
  return {
    url: env.OPENOBSERVE_URL?.trim() || 'http://localhost:5080',
    org: env.OPENOBSERVE_ORG?.trim() || 'default',
    streamName: env.OPENOBSERVE_TRACES_STREAM_NAME?.trim() || 'default',
    ...(token ? { authToken: token } : {}),
    timeoutSeconds: Number.isFinite(seconds) && seconds > 0 ? seconds : 30,
    enabled: !FALSE.has((env.OPENOBSERVE_ENABLED ?? 'true').trim().toLowerCase()),
  };
}

/** `{url}/api/{org}/v1/traces` with the `stream-name` and `Authorization` headers. */
export function traceEndpoint(s: OpenObserveSettings): TraceEndpoint {
  // The seed's .env writes the URL with a trailing slash; both spellings must reach the same path.
  const url = `${s.url.replace(/\/+$/, '')}/api/${encodeURIComponent(s.org)}/v1/traces`;
  const headers: Record<string, string> = { 'stream-name': s.streamName };
  if (s.authToken) headers.Authorization = s.authToken;
  return { url, headers, timeoutMillis: s.timeoutSeconds * 1000 };
}
