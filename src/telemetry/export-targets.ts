/**
 * Where spans go, from the environment: OpenObserve with the same variables and defaults as its own SDK
 * (`OPENOBSERVE_URL`, `_ORG`, `_AUTH_TOKEN`, `_TRACES_STREAM_NAME`, `_TIMEOUT`, `_ENABLED`), and any OTLP
 * backend through the standard `OTEL_EXPORTER_OTLP_*` variables.
 */
export interface ExportTarget {
  /** For the start-up banner: never contains a credential. */
  label: string;
  url: string;
  headers: Record<string, string>;
  timeoutMillis: number;
}

const FALSE = new Set(['false', '0', 'no', 'off']);

export function exportTargets(env: NodeJS.ProcessEnv): ExportTarget[] {
  const targets: ExportTarget[] = [];
  const openObserve = openObserveTarget(env);
  if (openObserve) targets.push(openObserve);
  const otlp = otlpTarget(env);
  if (otlp) targets.push(otlp);
  return targets;
}

function openObserveTarget(env: NodeJS.ProcessEnv): ExportTarget | undefined {
  const base = env.OPENOBSERVE_URL?.trim();
  if (!base || FALSE.has((env.OPENOBSERVE_ENABLED ?? 'true').trim().toLowerCase())) return undefined;
  const org = env.OPENOBSERVE_ORG?.trim() || 'default';
  const stream = env.OPENOBSERVE_TRACES_STREAM_NAME?.trim() || 'default';
  // The seed's .env writes the URL with a trailing slash; both spellings must reach the same path.
  const url = `${base.replace(/\/+$/, '')}/api/${encodeURIComponent(org)}/v1/traces`;
  const headers: Record<string, string> = { 'stream-name': stream };
  const token = env.OPENOBSERVE_AUTH_TOKEN?.trim();
  if (token) headers.Authorization = token;
  const seconds = Number(env.OPENOBSERVE_TIMEOUT ?? 30);
  return {
    label: `OpenObserve ${url} (stream ${stream})`,
    url,
    headers,
    timeoutMillis: Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 30_000,
  };
}

function otlpTarget(env: NodeJS.ProcessEnv): ExportTarget | undefined {
  const explicit = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  const url = explicit || (base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined);
  if (!url) return undefined;
  const headers = parseHeaders(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS ?? env.OTEL_EXPORTER_OTLP_HEADERS ?? '');
  const ms = Number(env.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT ?? env.OTEL_EXPORTER_OTLP_TIMEOUT ?? 10_000);
  return { label: `OTLP ${url}`, url, headers, timeoutMillis: Number.isFinite(ms) && ms > 0 ? ms : 10_000 };
}

/** `key1=value1,key2=value2`, values URL-encoded, as the OpenTelemetry specification writes them. */
function parseHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    headers[decodeURIComponent(pair.slice(0, at).trim())] = decodeURIComponent(pair.slice(at + 1).trim());
  }
  return headers;
}
