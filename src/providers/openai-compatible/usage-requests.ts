/**
 * Asking an OpenAI-compatible upstream for stream usage the client did not ask for
 * (`stream_options.include_usage`), and remembering the upstreams that refuse it, so they are called
 * without it from then on instead of failing every stream.
 */
import type { GatewayError } from '../../errors/gateway-error.ts';
import { isJsonObject, type JsonObject } from '../../shared/json.ts';

/** Deployments remembered as refusing; past this the memory starts over rather than growing. */
const MAX_REMEMBERED = 10_000;

export class UsageRequests {
  readonly #enabled: boolean;
  readonly #refused = new Set<string>();

  constructor(enabled: boolean) {
    this.#enabled = enabled;
  }

  /** The body with usage asked for, or undefined when it is not to be changed. */
  ask(body: JsonObject, clientWantsUsage: boolean, deploymentId: string): JsonObject | undefined {
    if (!this.#enabled || clientWantsUsage || this.#refused.has(deploymentId)) return undefined;
    const base = isJsonObject(body.stream_options) ? body.stream_options : {};
    return { ...body, stream_options: { ...base, include_usage: true } };
  }

  /** A 400 that names `stream_options`: this upstream does not take it. Remembered for next time. */
  refusedBy(error: GatewayError, deploymentId: string): boolean {
    if (
      error.status !== 400 ||
      !/stream_options|include_usage/i.test(`${error.message} ${error.param ?? ''}`)
    )
      return false;
    if (this.#refused.size >= MAX_REMEMBERED) this.#refused.clear();
    this.#refused.add(deploymentId);
    return true;
  }
}
