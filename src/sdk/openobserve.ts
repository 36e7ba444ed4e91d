/**
 * `openobserveInit()`: the TypeScript twin of OpenObserve's Python `openobserve_init`, for applications
 * that send their own spans (an OpenInference-instrumented `openai` client, for instance) to OpenObserve
 * or to a local Tollgate's embedded store. Same variables and defaults, `.env` read at start, a batch
 * span processor and an OTLP/protobuf exporter to `{url}/api/{org}/v1/traces`, W3C trace context on
 * outgoing requests, and a flush when the process ends. Exported as `tollgate/openobserve`.
 */
import { existsSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { type Attributes, context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import {
  defaultResource,
  detectResources,
  envDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { type OpenObserveSettings, openObserveEnv, traceEndpoint } from '../shared/openobserve-env.ts';
import { propagateTraceContext, stopTraceContext } from './trace-propagation.ts';

export interface OpenObserveOptions {
  /** Default `OPENOBSERVE_URL`, else `http://localhost:5080`. */
  url?: string;
  /** Default `OPENOBSERVE_ORG`, else `default`. */
  org?: string;
  /** The whole `Authorization` header value; default `OPENOBSERVE_AUTH_TOKEN`. */
  authToken?: string;
  /** Seconds an export may take; default `OPENOBSERVE_TIMEOUT`, else 30. */
  timeout?: number;
  /** Default `OPENOBSERVE_ENABLED` (`false`, `0`, `no`, `off` turn it off), else true. */
  enabled?: boolean;
  /** `http/protobuf` (default `OPENOBSERVE_PROTOCOL`); `grpc` is not available in TypeScript. */
  protocol?: 'http/protobuf' | 'grpc';
  /** Default `OPENOBSERVE_TRACES_STREAM_NAME`, else `default`. */
  streamName?: string;
  additionalHeaders?: Record<string, string>;
  /** `service.name`; default `OTEL_SERVICE_NAME`, else the name of the script that was started. */
  serviceName?: string;
  /** Added to the resource, over `OTEL_RESOURCE_ATTRIBUTES`. */
  resourceAttributes?: Attributes;
  /** A `.env` file to read first (values already in the environment win); `false` to skip. Default `.env`. */
  envFile?: string | false;
  /** Flush and shut down when the process is about to exit. Default true. */
  flushOnExit?: boolean;
}

export interface OpenObserve {
  /** False when disabled: then nothing is recorded or sent. */
  readonly enabled: boolean;
  /** Where spans go (`{url}/api/{org}/v1/traces`). */
  readonly endpoint: string;
  /** Sends every finished span now. */
  flush(): Promise<void>;
  /** Sends what is left and stops; later spans are not recorded. */
  shutdown(): Promise<void>;
}

let current: OpenObserve | undefined;

/** The longest an ending app waits for its last spans to be sent. */
const EXIT_WAIT_MS = 5000;

/** Sets up tracing to OpenObserve (or a Tollgate) for this process; a second call returns the first setup. */
export function openobserveInit(options: OpenObserveOptions = {}): OpenObserve {
  if (current) return current;
  const envFile = options.envFile ?? '.env';
  if (envFile !== false && existsSync(envFile)) process.loadEnvFile(envFile);
  const settings = resolve(options);
  const endpoint = traceEndpoint(settings);
  if (!settings.enabled) {
    current = { enabled: false, endpoint: endpoint.url, flush: async () => {}, shutdown: async () => {} };
    return current;
  }
  if ((options.protocol ?? process.env.OPENOBSERVE_PROTOCOL ?? 'http/protobuf') === 'grpc')
    console.warn('openobserveInit: grpc is not available in TypeScript; sending over http/protobuf');
  const exporter = new OTLPTraceExporter({
    url: endpoint.url,
    headers: { ...endpoint.headers, ...options.additionalHeaders },
    timeoutMillis: endpoint.timeoutMillis,
  });
  const processor: SpanProcessor = new BatchSpanProcessor({
    exporter,
    exportTimeoutMillis: endpoint.timeoutMillis,
  });
  const provider = new TracerProvider({
    resource: defaultResource()
      .merge(detectResources({ detectors: [envDetector] }))
      .merge(resourceFromAttributes({ 'service.name': serviceName(options), ...options.resourceAttributes })),
    spanProcessors: [processor],
  });
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );
  propagateTraceContext();

  let stopped: Promise<void> | undefined;
  const handle: OpenObserve = {
    enabled: true,
    endpoint: endpoint.url,
    flush: () => provider.forceFlush(),
    shutdown: () => {
      stopped ??= provider.shutdown().finally(() => {
        stopTraceContext();
        process.off('beforeExit', onBeforeExit);
      });
      return stopped;
    },
  };
  // `beforeExit` comes when the event loop has nothing left to do: the app is done, its spans may not be.
  // A receiver that is down must neither crash the app nor hold it while the exporter retries: the app
  // waits at most EXIT_WAIT_MS (or the export timeout, when shorter) and then ends.
  const onBeforeExit = () => {
    const waitMs = Math.min(EXIT_WAIT_MS, endpoint.timeoutMillis);
    const late = new Promise<never>((_, reject) => {
      setTimeout(() => reject(new Error(`no answer within ${waitMs} ms`)), waitMs).unref();
    });
    Promise.race([handle.shutdown(), late])
      .catch((err: unknown) => {
        const reason = err instanceof Error ? err.message : String(err);
        process.stderr.write(
          `openobserve: the last spans could not be sent to ${endpoint.url} (${reason})\n`,
        );
      })
      .finally(() => setTimeout(() => process.exit(), 0).unref());
  };
  if (options.flushOnExit ?? true) process.once('beforeExit', onBeforeExit);
  current = handle;
  return handle;
}

/** Sends every finished span now (`openobserve_flush`). */
export async function openobserveFlush(): Promise<void> {
  await current?.flush();
}

/** Sends what is left and stops (`openobserve_shutdown`). */
export async function openobserveShutdown(): Promise<void> {
  await current?.shutdown();
}

function resolve(options: OpenObserveOptions): OpenObserveSettings {
  const env = openObserveEnv(process.env);
  const authToken = options.authToken ?? env.authToken;
  return {
    url: options.url ?? env.url,
    org: options.org ?? env.org,
    streamName: options.streamName ?? env.streamName,
    ...(authToken ? { authToken } : {}),
    timeoutSeconds: options.timeout ?? env.timeoutSeconds,
    enabled: options.enabled ?? env.enabled,
  };
}

/** A name the trace UI can show: not `unknown_service:/usr/bin/node`, but the app's own script name. */
function serviceName(options: OpenObserveOptions): string {
  const configured = options.serviceName ?? process.env.OTEL_SERVICE_NAME?.trim();
  if (configured) return configured;
  const script = process.argv[1];
  return script ? basename(script, extname(script)) : 'unknown_service:node';
}
