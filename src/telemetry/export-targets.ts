/**
 * Where spans go, from the environment: OpenObserve with the same variables and defaults as its own SDK
 * (`OPENOBSERVE_URL`, `_ORG`, `_AUTH_TOKEN`, `_TRACES_STREAM_NAME`, `_TIMEOUT`, `_ENABLED`), and any OTLP
 * backend through the standard `OTEL_EXPORTER_OTLP_*` variables.
 */
import { openObserveEnv, traceEndpoint } from '../shared/openobserve-env.ts';

export interface ExportTarget {
  /** For the start-up banner: never contains a credential. */
  label: string;
  /** Which variables configure it: failures name the ones to check. */
  kind: 'openobserve' | 'otlp';
  url: string;
  headers: Record<string, string>;
  timeoutMillis: number;
}

export function exportTargets(env: NodeJS.ProcessEnv): ExportTarget[] {
  const targets: ExportTarget[] = [];
  const openObserve = openObserveTarget(env);
  if (openObserve) targets.push(openObserve);
  const otlp = otlpTarget(env);
  if (otlp) targets.push(otlp);
  return targets;
}

/** Unlike the client SDK, the gateway sends to OpenObserve only when OPENOBSERVE_URL is set. */
function openObserveTarget(env: NodeJS.ProcessEnv): ExportTarget | undefined {
  const settings = openObserveEnv(env);
  if (!env.OPENOBSERVE_URL?.trim() || !settings.enabled) return undefined;
  const endpoint = traceEndpoint(settings);
  return {
    label: `OpenObserve ${endpoint.url} (stream ${settings.streamName})`,
    kind: 'openobserve',
    ...endpoint,
  };
}

function otlpTarget(env: NodeJS.ProcessEnv): ExportTarget | undefined {
  const explicit = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  const url = explicit || (base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined);
  if (!url) return undefined;
  const headers = parseHeaders(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS ?? env.OTEL_EXPORTER_OTLP_HEADERS ?? '');
  const ms = Number(env.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT ?? env.OTEL_EXPORTER_OTLP_TIMEOUT ?? 10_000);
  return {
    label: `OTLP ${url}`,
    kind: 'otlp',
    url,
    headers,
    timeoutMillis: Number.isFinite(ms) && ms > 0 ? ms : 10_000,
  };
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

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1', '0.0.0.0']);

/**
 * Whether a target is this gateway itself (`OPENOBSERVE_URL=http://localhost:4000`, as a client's `.env`
 * for the embedded store says): exporting to it would be a loop, and the spans belong in the store.
 */
export function isSelf(target: ExportTarget, host: string, port: number): boolean {
  let url: URL;
  try {
    url = new URL(target.url);
  } catch {
    return false;
  }
  const targetPort = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  return targetPort === port && (LOOPBACK.has(url.hostname) || url.hostname === host);
}
