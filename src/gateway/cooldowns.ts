/**
 * Cooldowns, as LiteLLM's Router keeps them: a deployment that fails more than `allowed_fails` times
 * within a minute is left out of routing for `cooldown_time`. Only failures that say something about
 * the deployment count (server errors, 429, timeouts, network errors, 401/403/404), never a client's
 * bad request. In memory, per process (redis-state.ts shares the same rules across replicas).
 */
import type { GatewayError } from '../errors/gateway-error.ts';

export interface CooldownSettings {
  /** Failures allowed within a minute before a deployment cools down. */
  allowedFails: number;
  cooldownMs: number;
  disabled: boolean;
}

const WINDOW_MS = 60_000;

export class Cooldowns {
  readonly #settings: CooldownSettings;
  readonly #now: () => number;
  readonly #failures = new Map<string, number[]>();
  readonly #until = new Map<string, number>();

  constructor(settings: CooldownSettings, now: () => number = Date.now) {
    this.#settings = settings;
    this.#now = now;
  }

  /** Records a failed call; returns true when it sends the deployment into cooldown. */
  failed(deploymentId: string, error: GatewayError): boolean {
    if (this.#settings.disabled || !countsAgainst(error)) return false;
    const now = this.#now();
    const recent = (this.#failures.get(deploymentId) ?? []).filter((t) => now - t < WINDOW_MS);
    recent.push(now);
    this.#failures.set(deploymentId, recent);
    if (recent.length <= this.#settings.allowedFails) return false;
    this.#until.set(deploymentId, now + this.#settings.cooldownMs);
    this.#failures.delete(deploymentId);
    return true;
  }

  /** Milliseconds the deployment still cools down for; 0 when it is available. */
  remainingMs(deploymentId: string): number {
    const until = this.#until.get(deploymentId);
    if (until === undefined) return 0;
    const left = until - this.#now();
    if (left > 0) return left;
    this.#until.delete(deploymentId);
    return 0;
  }
}

/** Whether a failure says something about the deployment (and so counts towards its cooldown). */
export function countsAgainst(error: GatewayError): boolean {
  return error.retryable || [401, 403, 404].includes(error.status);
}
