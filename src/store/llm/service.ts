/**
 * A service name for LLM spans whose resource names none (OpenObserve's `service.rs`): Langfuse's
 * `source` metadata, so spans from a Langfuse SDK without `service.name` are not all "unknown".
 */
import { LANGFUSE } from './attributes.ts';
import { type Attrs, text } from './values.ts';

export function serviceNameFromSpan(attrs: Attrs): string | undefined {
  const value = text(attrs.get(LANGFUSE.source));
  return value === '' ? undefined : value;
}

/** Whether the resource's `service.name` counts as set: OpenTelemetry's `unknown_service…` does not. */
export function isExplicitServiceName(name: string | undefined): boolean {
  return name !== undefined && name.toLowerCase().replaceAll('_', ' ') !== 'unknown service';
}
