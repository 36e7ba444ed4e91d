/**
 * What the routing strategies and rpm/tpm limits need to know about each deployment, in memory: calls in
 * flight, requests and tokens in the current minute, and a moving average of latency.
 */

const MINUTE_MS = 60_000;
/** Weight of the newest latency in the moving average. */
const ALPHA = 0.3;

interface Entry {
  inFlight: number;
  minute: number;
  requests: number;
  tokens: number;
  latencyMs: number | undefined;
}

export class DeploymentStats {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  #entry(id: string): Entry {
    const minute = Math.floor(this.#now() / MINUTE_MS);
    let e = this.#entries.get(id);
    if (!e) {
      e = { inFlight: 0, minute, requests: 0, tokens: 0, latencyMs: undefined };
      this.#entries.set(id, e);
    }
    if (e.minute !== minute) {
      e.minute = minute;
      e.requests = 0;
      e.tokens = 0;
    }
    return e;
  }

  /** Counts a call as started, unless the deployment is at its `rpm` for this minute (then false). */
  start(id: string, rpm?: number): boolean {
    const e = this.#entry(id);
    if (rpm !== undefined && e.requests >= rpm) return false;
    e.inFlight++;
    e.requests++;
    return true;
  }

  /** The call's answer (or failure) arrived. */
  finished(id: string, latencyMs: number, ok: boolean): void {
    const e = this.#entry(id);
    e.inFlight = Math.max(0, e.inFlight - 1);
    if (ok)
      e.latencyMs = e.latencyMs === undefined ? latencyMs : ALPHA * latencyMs + (1 - ALPHA) * e.latencyMs;
  }

  /** Tokens a call used, counted in the minute they become known (a stream's at its end). */
  addTokens(id: string, tokens: number): void {
    this.#entry(id).tokens += tokens;
  }

  inFlight(id: string): number {
    return this.#entry(id).inFlight;
  }

  requestsThisMinute(id: string): number {
    return this.#entry(id).requests;
  }

  tokensThisMinute(id: string): number {
    return this.#entry(id).tokens;
  }

  /** Moving average of successful calls' latency; undefined before the first. */
  latencyMs(id: string): number | undefined {
    return this.#entry(id).latencyMs;
  }
}
