/**
 * The one HTTP client for upstream calls: undici with keep-alive pools per origin (an Agent keeps one
 * Pool per origin), per-request timeouts, and the client's abort signal wired through.
 */
import { Agent, type Dispatcher, type FormData, request } from 'undici';
import { GatewayError } from '../../errors/gateway-error.ts';
import { networkError, upstreamHttpError } from './upstream-error.ts';

const agent = new Agent({
  keepAliveTimeout: 30_000,
  keepAliveMaxTimeout: 10 * 60_000,
  connections: null,
  pipelining: 1,
});

/** Response headers relayed to the client: request ids and the upstream's rate-limit state. */
const RELAYED_HEADER = /^(x-request-id|openai-processing-ms|x-ratelimit-.*|retry-after(-ms)?)$/;

export interface UpstreamRequest {
  /** POST unless said otherwise; GET and DELETE carry no body. */
  method?: 'POST' | 'GET' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  /**
   * JSON text, or a multipart form: undici writes the form's boundary into its content type. The form
   * must be undici's own FormData: the agent below encodes only its own class (Node's global FormData
   * is a copy of undici bundled with Node, which only Node's own dispatcher knows).
   */
  body?: string | FormData;
  signal: AbortSignal;
  timeoutMs: number;
}

export type UpstreamAnswer =
  | {
      ok: true;
      status: number;
      headers: Record<string, string>;
      /** The answer's `content-type` ('' without one): JSON, or the bytes of audio or a transcript. */
      contentType: string;
      body: Dispatcher.ResponseData['body'];
    }
  | { ok: false; status: number; headers: Record<string, string>; error: GatewayError };

/** POSTs upstream (JSON or a form). HTTP errors come back as values; only success hands over the open body. */
export async function postJson(req: UpstreamRequest): Promise<UpstreamAnswer> {
  let res: Dispatcher.ResponseData;
  try {
    res = await request(req.url, {
      method: req.method ?? 'POST',
      headers: req.headers,
      body: req.body,
      signal: req.signal,
      dispatcher: agent,
      headersTimeout: req.timeoutMs,
      bodyTimeout: req.timeoutMs,
    });
  } catch (err) {
    return { ok: false, status: 0, headers: {}, error: networkError(err, originOf(req.url), req.signal) };
  }
  const headers = relayedHeaders(res.headers);
  if (res.statusCode >= 400) {
    let text = '';
    try {
      text = await readCapped(res.body, MAX_ERROR_BODY_BYTES);
    } catch (err) {
      return { ok: false, status: 0, headers, error: networkError(err, originOf(req.url), req.signal) };
    }
    return {
      ok: false,
      status: res.statusCode,
      headers,
      error: upstreamHttpError(res.statusCode, text, headers),
    };
  }
  const refused = unusableAnswer(res, originOf(req.url));
  if (refused) {
    // Nobody reads it: close it, and let the abort this reports go unheard rather than uncaught.
    res.body.on('error', () => {});
    res.body.destroy();
    return { ok: false, status: res.statusCode, headers, error: refused };
  }
  const type = res.headers['content-type'];
  const contentType = (Array.isArray(type) ? type[0] : type) ?? '';
  return { ok: true, status: res.statusCode, headers, contentType, body: res.body };
}

/** An error answer is read this far and no further: its message is all that is wanted of it. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** The start of a body, as text; the rest is not read (the connection is closed instead). */
async function readCapped(body: Dispatcher.ResponseData['body'], max: number): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    parts.push(chunk);
    size += chunk.length;
    // Leaving the loop closes the body (and with it the connection) instead of reading on.
    if (size >= max) break;
  }
  return Buffer.concat(parts).subarray(0, max).toString('utf8');
}

/**
 * A 2xx is the only success: a redirect (undici does not follow them, and an LLM API has no reason to
 * send one) or a body compressed although none was asked for would reach the client as nonsense. Both
 * are a clear 502 that names the cause, and retrying would not change them.
 */
function unusableAnswer(res: Dispatcher.ResponseData, origin: string): GatewayError | undefined {
  if (res.statusCode < 200 || res.statusCode >= 300) {
    const location = res.headers.location;
    const to = typeof location === 'string' ? ` to ${location.slice(0, 200)}` : '';
    return new GatewayError(
      `The upstream at ${origin} answered with a redirect (HTTP ${res.statusCode}${to}); set api_base to the address it points to`,
      { status: 502, type: 'api_error', code: 'upstream_redirect', retryable: false },
    );
  }
  const encoding = res.headers['content-encoding'];
  if (encoding !== undefined && encoding !== 'identity')
    return new GatewayError(
      `The upstream at ${origin} sent a compressed answer (${String(encoding).slice(0, 50)}) that was not asked for`,
      { status: 502, type: 'api_error', code: 'upstream_bad_encoding', retryable: false },
    );
  return undefined;
}

function relayedHeaders(raw: Dispatcher.ResponseData['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined && RELAYED_HEADER.test(name))
      out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** `host:port` for messages and traces: never the path, which may carry a key in some setups. */
export function originOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'upstream';
  }
}
