// What a load generator hits: one origin, one path, fixed headers and a fixed JSON body.
// Every target (direct, Tollgate, a peer gateway) is reduced to one of these per scenario.

export interface Endpoint {
  /** e.g. http://127.0.0.1:8080 — one undici Pool per origin. */
  origin: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** The request body every target receives, so direct and gateway runs do the same work. */
export function chatBody(model: string, stream: boolean): string {
  const body: Record<string, unknown> = { model, messages: [{ role: 'user', content: 'hi' }] };
  // include_usage because a tracing gateway needs the token counts; direct gets the same bytes.
  if (stream) Object.assign(body, { stream: true, stream_options: { include_usage: true } });
  return JSON.stringify(body);
}

export const JSON_HEADERS: Record<string, string> = {
  'content-type': 'application/json',
  authorization: 'Bearer sk-bench',
};

/** For the CLIs: a full URL plus model/stream flags → an Endpoint. */
export function endpointFromUrl(
  url: string,
  model: string,
  stream: boolean,
  extraHeaders: readonly string[] = [],
): Endpoint {
  const u = new URL(url);
  const headers = { ...JSON_HEADERS };
  for (const h of extraHeaders) {
    const at = h.indexOf(':');
    if (at > 0) headers[h.slice(0, at).trim().toLowerCase()] = h.slice(at + 1).trim();
  }
  return { origin: u.origin, path: `${u.pathname}${u.search}`, headers, body: chatBody(model, stream) };
}

/** The flags every generator CLI shares (node:util parseArgs options). */
export const GENERATOR_FLAGS = {
  url: { type: 'string' as const, default: 'http://127.0.0.1:8080/v1/chat/completions' },
  model: { type: 'string' as const, default: 'bench' },
  stream: { type: 'boolean' as const, default: false },
  header: { type: 'string' as const, multiple: true as const, default: [] as string[] },
  duration: { type: 'string' as const, default: '10' },
  warmup: { type: 'string' as const, default: '2' },
  json: { type: 'boolean' as const, default: false },
};

/** Parsed GENERATOR_FLAGS → the Endpoint and the timing every generator takes. */
export function generatorTarget(values: {
  url: string;
  model: string;
  stream: boolean;
  header: string[];
  duration: string;
  warmup: string;
}) {
  return {
    endpoint: endpointFromUrl(values.url, values.model, values.stream, values.header),
    durationS: Number(values.duration),
    warmupS: Number(values.warmup),
  };
}
