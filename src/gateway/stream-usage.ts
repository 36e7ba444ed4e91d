/**
 * Token usage for streams the client did not ask usage for: the upstream is asked anyway
 * (`stream_options.include_usage`), and what it adds because of that — the final usage chunk and the
 * `"usage":null` on every other chunk — is taken out again, so the client sees exactly what it would
 * have seen without the gateway. Upstreams that refuse `stream_options` are remembered and called
 * without it.
 */
import type { GatewayError } from '../errors/gateway-error.ts';
import type { SseEvent } from '../providers/spec.ts';
import type { JsonObject } from '../shared/json.ts';
import { prepareTokenizer } from './token-estimate.ts';

export class StreamUsage {
  readonly #refused = new Set<string>();

  /** Asks the upstream for usage when the client did not; true when the body was changed. */
  inject(body: JsonObject, deploymentId: string): boolean {
    const options = body.stream_options;
    if (typeof options === 'object' && options !== null && (options as JsonObject).include_usage === true)
      return false;
    if (this.#refused.has(deploymentId)) return false;
    body.stream_options = {
      ...(typeof options === 'object' && options !== null ? options : {}),
      include_usage: true,
    };
    return true;
  }

  /** A 400 that names `stream_options`: this upstream does not take it. Remembered for next time. */
  refusedBy(error: GatewayError, deploymentId: string): boolean {
    if (
      error.status !== 400 ||
      !/stream_options|include_usage/i.test(`${error.message} ${error.param ?? ''}`)
    )
      return false;
    this.#refused.add(deploymentId);
    void prepareTokenizer();
    return true;
  }
}

const USAGE_NULL = ',"usage":null';

/** The event as the client would have seen it without injected usage; undefined to drop it. */
export function withoutInjectedUsage(event: SseEvent, chunk: JsonObject | undefined): SseEvent | undefined {
  if (chunk !== undefined && Array.isArray(chunk.choices) && chunk.choices.length === 0 && chunk.usage)
    return undefined;
  if (!event.data.includes(USAGE_NULL)) return event;
  // A quote inside a JSON string value is escaped, so this exact text can only be the key itself.
  return { data: event.data.replace(USAGE_NULL, ''), raw: event.raw?.replace(USAGE_NULL, '') };
}
