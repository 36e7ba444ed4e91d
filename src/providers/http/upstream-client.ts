/**
 * The one HTTP client for upstream calls: undici with keep-alive pools per origin (an Agent keeps one
 * Pool per origin), per-request timeouts, and the client's abort signal wired through.
 */
import { Agent, type Dispatcher, request } from 'undici';
import type { GatewayError } from '../../errors/gateway-error.ts';
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
  url: string;
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
  timeoutMs: number;
}

export type UpstreamAnswer =
  | { ok: true; status: number; headers: Record<string, string>; body: Dispatcher.ResponseData['body'] }
  | { ok: false; status: number; headers: Record<string, string>; error: GatewayError };

/** POSTs JSON upstream. HTTP errors come back as values; only success hands over the open body. */
export async function postJson(req: UpstreamRequest): Promise<UpstreamAnswer> {
  let res: Dispatcher.ResponseData;
  try {
    res = await request(req.url, {
      method: 'POST',
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
      text = await res.body.text();
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
  return { ok: true, status: res.statusCode, headers, body: res.body };
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
