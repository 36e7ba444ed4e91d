/**
 * The start-up banner's traces section: where spans go, and how to send more of them to the store. An
 * export target is "exporting", not yet "exported": whether it works is known only when the first batch
 * has been answered, and the log says so then (telemetry/export-health.ts).
 */

import type { TraceStoreSettings } from '../config/trace-store.ts';
import type { GatewayConfig } from '../config/types.ts';
import { isLoopback } from '../server/store/store-auth.ts';

export function tracesBanner(
  config: GatewayConfig,
  base: string,
  exportLabels: string[],
  store: TraceStoreSettings | undefined,
  cwd: string,
  /** The OpenObserve the UI reads when there is no store here. */
  remoteUrl?: string,
): string {
  const lines: string[] = [];
  if (exportLabels.length > 0)
    lines.push(
      `Traces: exporting to ${exportLabels.join(' and ')} (not confirmed yet: the log says when the first export works, or why it fails).`,
    );
  if (!store) {
    if (exportLabels.length === 0)
      lines.push(
        'Traces: not recorded (--trace_store off). Set OPENOBSERVE_URL or OTEL_EXPORTER_OTLP_ENDPOINT to export them.',
      );
    else if (remoteUrl !== undefined)
      lines.push(`  See them at ${base}/ui/ (read from OpenObserve at ${remoteUrl}, through this gateway).`);
    return lines.join('\n');
  }
  const where = store.path === ':memory:' ? 'memory (lost at exit)' : shortPath(store.path, cwd);
  const days = store.maxAgeMs > 0 ? `${store.maxAgeMs / 86_400_000} days` : 'forever';
  const size = store.maxBytes > 0 ? `up to ${Math.round(store.maxBytes / 1024 / 1024)} MB` : 'no size limit';
  lines.push(`Traces: stored in ${where} (kept ${days}, ${size}). See them at ${base}/ui/`);
  if (!config.masterKey && !isLoopback(config.host)) {
    lines.push(
      `  Trace store API closed: listening on ${config.host} without a master key. Set a master key`,
      '  (general_settings.master_key or LITELLM_MASTER_KEY) or use --host 127.0.0.1 to open it.',
    );
    return lines.join('\n');
  }
  const token = config.masterKey
    ? '"Bearer <master key>"'
    : '"Bearer local"   # any value: open on loopback without a master key';
  lines.push(
    "  Send your app's spans here with the OpenObserve SDK variables:",
    `    OPENOBSERVE_URL=${base}/`,
    '    OPENOBSERVE_ORG=default',
    `    OPENOBSERVE_AUTH_TOKEN=${token}`,
    `  Search them like OpenObserve: POST ${base}/api/default/_search?type=traces`,
  );
  return lines.join('\n');
}

function shortPath(path: string, cwd: string): string {
  return path.startsWith(`${cwd}/`) ? path.slice(cwd.length + 1) : path;
}
