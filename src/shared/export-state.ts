/**
 * What `GET /health/readiness` says about where the gateway's spans go: telemetry fills it, the server
 * reports it. Plain JSON, so that neither layer needs the other.
 */

export interface ExportTargetState {
  /** The banner's label: where, never a credential. */
  target: string;
  /** `pending` until the first export answered; then whether the last one worked. */
  state: 'pending' | 'ok' | 'failing';
  /** ISO times. */
  last_success: string | null;
  last_error: string | null;
  last_error_at: string | null;
  spans_exported: number;
  spans_failed: number;
}

export interface ExportState {
  targets: ExportTargetState[];
  /** Spans that found an exporter's queue full (all targets together). */
  spans_dropped: number;
}
