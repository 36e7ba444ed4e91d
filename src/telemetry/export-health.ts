/**
 * Whether each OTLP target's exports work, told as soon as it is known: the first export that succeeds
 * is logged once ("exports to … work"), a failing one at once with what to fix (a 401 names
 * OPENOBSERVE_AUTH_TOKEN, a 404 the URL and org, a refused connection the address), then at most once a
 * minute per target while it keeps failing, and a recovery once. `/health/readiness` reads the state.
 */
import type { ExportResult } from '@opentelemetry/core';
import { ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import type { ExportTargetState } from '../shared/export-state.ts';
import type { ExportTarget } from './export-targets.ts';

export interface HealthLog {
  warn(obj: object, msg: string): void;
  info?(obj: object, msg: string): void;
}

const REPEAT_MS = 60_000;

interface Watched {
  target: ExportTarget;
  state: ExportTargetState;
  /** When a failure was last logged (0: not while this failure lasts). */
  lastLogged: number;
}

export class ExportHealth {
  readonly #log: HealthLog;
  readonly #targets: Watched[] = [];
  readonly #now: () => number;

  constructor(log: HealthLog, now: () => number = Date.now) {
    this.#log = log;
    this.#now = now;
  }

  states(): ExportTargetState[] {
    return this.#targets.map((t) => ({ ...t.state }));
  }

  /**
   * The exporter, watched. Its failures are reported here, so the batch processor is told every batch
   * went out: it neither retries nor keeps a failed batch either way, and would only repeat the error
   * through the SDK's global handler, a minute late in the export log.
   */
  watch(target: ExportTarget, exporter: SpanExporter): SpanExporter {
    const entry: Watched = {
      target,
      lastLogged: 0,
      state: {
        target: target.label,
        state: 'pending',
        last_success: null,
        last_error: null,
        last_error_at: null,
        spans_exported: 0,
        spans_failed: 0,
      },
    };
    this.#targets.push(entry);
    return {
      export: (spans: ReadableSpan[], done: (result: ExportResult) => void) =>
        exporter.export(spans, (result) => {
          if (result.code === ExportResultCode.SUCCESS) this.#succeeded(entry, spans.length);
          else this.#failed(entry, spans.length, result.error);
          done({ code: ExportResultCode.SUCCESS });
        }),
      shutdown: () => exporter.shutdown(),
      forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
    };
  }

  #succeeded(entry: Watched, count: number): void {
    const { state } = entry;
    const first = state.last_success === null;
    const recovered = state.state === 'failing';
    state.state = 'ok';
    state.last_success = new Date(this.#now()).toISOString();
    state.spans_exported += count;
    entry.lastLogged = 0;
    if (first) this.#info({ target: state.target }, `telemetry: exports to ${state.target} work`);
    else if (recovered)
      this.#info({ target: state.target }, `telemetry: exports to ${state.target} work again`);
  }

  #failed(entry: Watched, count: number, error: Error | undefined): void {
    const { state } = entry;
    const message = describeFailure(entry.target, error);
    const changed = state.state !== 'failing' || state.last_error !== message;
    state.state = 'failing';
    state.last_error = message;
    state.last_error_at = new Date(this.#now()).toISOString();
    state.spans_failed += count;
    const now = this.#now();
    if (!changed && now - entry.lastLogged < REPEAT_MS) return;
    entry.lastLogged = now;
    this.#log.warn(
      { target: state.target, spansFailed: state.spans_failed },
      `telemetry: exports to ${state.target} fail: ${message}`,
    );
  }

  #info(obj: object, msg: string): void {
    if (this.#log.info) this.#log.info(obj, msg);
    else this.#log.warn(obj, msg);
  }
}

/** What went wrong and what to check, in the words of the variables the user set. */
export function describeFailure(target: ExportTarget, error: Error | undefined): string {
  const openObserve = target.kind === 'openobserve';
  const status = (error as { code?: unknown } | undefined)?.code;
  const where = origin(target.url);
  if (typeof status === 'number') {
    const said = answerOf(error);
    if (status === 401 || status === 403)
      return openObserve
        ? `${where} answered ${status}${said}: check OPENOBSERVE_AUTH_TOKEN (the whole Authorization value, e.g. "Basic <base64 of user:password>") and that the user may write to OPENOBSERVE_ORG`
        : `${where} answered ${status}${said}: check the credentials in OTEL_EXPORTER_OTLP_HEADERS`;
    if (status === 404)
      return openObserve
        ? `${target.url} answered 404${said}: check OPENOBSERVE_URL (OpenObserve's base URL, without /api/…) and OPENOBSERVE_ORG`
        : `${target.url} answered 404${said}: check OTEL_EXPORTER_OTLP_ENDPOINT (or _TRACES_ENDPOINT)`;
    return `${where} answered ${status}${said}`;
  }
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === 'ECONNREFUSED')
    return `${where} refused the connection: is ${openObserve ? 'OpenObserve' : 'the OTLP backend'} running at ${where}?`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return `the host of ${where} is not known: check ${openObserve ? 'OPENOBSERVE_URL' : 'OTEL_EXPORTER_OTLP_ENDPOINT'}`;
  const text = error?.message ?? 'unknown error';
  if (/timed out/i.test(text))
    return `${where} did not answer within ${target.timeoutMillis / 1000} s${openObserve ? ' (OPENOBSERVE_TIMEOUT)' : ''}`;
  return `${where}: ${text}`;
}

function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** The backend's own message, shortened: OpenObserve's JSON `message`, or the start of the body. */
function answerOf(error: Error | undefined): string {
  const data = (error as { data?: unknown } | undefined)?.data;
  if (typeof data !== 'string' || data.trim() === '') return '';
  let text = data.trim();
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === 'string') text = parsed.message;
  } catch {
    // Not JSON: quote the text.
  }
  return ` (${text.slice(0, 200)})`;
}
