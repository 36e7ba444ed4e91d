/**
 * What routing knows about deployments — cooldowns, calls in flight, this minute's requests and
 * tokens, latency — behind one interface, so that it can live in this process (the default) or in
 * Redis, where every replica of the gateway sees the same numbers (redis-state.ts).
 */
import type { GatewayError } from '../errors/gateway-error.ts';
import { type CooldownSettings, Cooldowns } from './cooldowns.ts';
import { DeploymentStats } from './deployment-stats.ts';

export interface DeploymentView {
  /** Milliseconds the deployment still cools down for; 0 when it is available. */
  cooldownMs: number;
  inFlight: number;
  /** Requests started in the current minute. */
  requests: number;
  /** Tokens used in the current minute. */
  tokens: number;
  /** Moving average of successful calls' latency; undefined before the first. */
  latencyMs: number | undefined;
}

export type Views = ReadonlyMap<string, DeploymentView>;

export interface RouterState {
  /** What routing needs about these deployments, read at once. */
  view(ids: readonly string[]): Promise<Views>;
  /** Counts a call as started; false (and nothing counted) when the deployment is at its `rpm`. */
  start(id: string, rpm: number | undefined): Promise<boolean>;
  /** The call's answer (or failure) arrived. Never waits: routing state must not slow the answer. */
  finish(id: string, latencyMs: number, ok: boolean): void;
  /** Tokens a call used, once known (a stream's at its end). */
  addTokens(id: string, tokens: number): void;
  /** Counts a failure; true when it sends the deployment into cooldown. */
  failed(id: string, error: GatewayError): Promise<boolean>;
  close(): Promise<void>;
}

export const EMPTY_VIEW: DeploymentView = {
  cooldownMs: 0,
  inFlight: 0,
  requests: 0,
  tokens: 0,
  latencyMs: undefined,
};

/** The state of this process only: what a single gateway (or one without Redis) uses. */
export class MemoryState implements RouterState {
  readonly #cooldowns: Cooldowns;
  readonly #stats: DeploymentStats;

  constructor(settings: CooldownSettings, now: () => number = Date.now) {
    this.#cooldowns = new Cooldowns(settings, now);
    this.#stats = new DeploymentStats(now);
  }

  viewNow(ids: readonly string[]): Views {
    const views = new Map<string, DeploymentView>();
    for (const id of ids) {
      views.set(id, {
        cooldownMs: this.#cooldowns.remainingMs(id),
        inFlight: this.#stats.inFlight(id),
        requests: this.#stats.requestsThisMinute(id),
        tokens: this.#stats.tokensThisMinute(id),
        latencyMs: this.#stats.latencyMs(id),
      });
    }
    return views;
  }

  async view(ids: readonly string[]): Promise<Views> {
    return this.viewNow(ids);
  }

  startNow(id: string, rpm: number | undefined): boolean {
    return this.#stats.start(id, rpm);
  }

  async start(id: string, rpm: number | undefined): Promise<boolean> {
    return this.startNow(id, rpm);
  }

  finish(id: string, latencyMs: number, ok: boolean): void {
    this.#stats.finished(id, latencyMs, ok);
  }

  addTokens(id: string, tokens: number): void {
    if (tokens > 0) this.#stats.addTokens(id, tokens);
  }

  failedNow(id: string, error: GatewayError): boolean {
    return this.#cooldowns.failed(id, error);
  }

  async failed(id: string, error: GatewayError): Promise<boolean> {
    return this.failedNow(id, error);
  }

  async close(): Promise<void> {}
}
