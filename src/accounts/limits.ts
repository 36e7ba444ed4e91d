/**
 * Requests and tokens per minute (`rpm_limit`, `tpm_limit`) and requests in flight
 * (`max_parallel_requests`), per scope (`key:<token>`, `team:<id>`, …). Minutes are fixed windows. One
 * process counts in memory; processes sharing the database (replicas on PostgreSQL, workers on the
 * SQLite file) count in it, where each request's count is one atomic upsert, so the limit holds across
 * them, and share requests in flight through parallel-slots.ts.
 */
import { SharedSlots } from './parallel-slots.ts';
import type { SqlDb } from './sql/db.ts';

export interface WindowCount {
  /** Requests in this minute, this one included. */
  requests: number;
  /** Tokens used in this minute by requests that have finished. */
  tokens: number;
}

export interface Limiter {
  /** Counts a request against `scope`'s current minute. */
  hit(scope: string, now: number): Promise<WindowCount>;
  /** Tokens without counting a request (a tpm check without an rpm limit). */
  peek(scope: string, now: number): Promise<WindowCount>;
  addTokens(scope: string, tokens: number, now: number): Promise<void>;
  /** Takes a slot of `max` in flight; false when all are taken. */
  acquire(scope: string, max: number): Promise<boolean>;
  release(scope: string): void;
  /** Gives back what this process holds (its shared slots), at shutdown. */
  close?(): Promise<void>;
}

const MINUTE = 60_000;
/** The window: minutes since 1970 (fits the 32-bit INTEGER column until the year 6053). */
const windowOf = (now: number) => Math.floor(now / MINUTE);

/** Seconds until the current window ends: a refused client's Retry-After. */
export const secondsToNextWindow = (now: number) =>
  Math.max(1, Math.ceil(((windowOf(now) + 1) * MINUTE - now) / 1000));

/** Requests in flight, for one process alone. */
class InFlight {
  readonly #counts = new Map<string, number>();
  acquire(scope: string, max: number): boolean {
    const n = this.#counts.get(scope) ?? 0;
    if (n >= max) return false;
    this.#counts.set(scope, n + 1);
    return true;
  }
  release(scope: string): void {
    const n = (this.#counts.get(scope) ?? 0) - 1;
    if (n <= 0) this.#counts.delete(scope);
    else this.#counts.set(scope, n);
  }
}

export class MemoryLimiter implements Limiter {
  readonly #windows = new Map<string, { start: number } & WindowCount>();
  readonly #inFlight = new InFlight();

  async hit(scope: string, now: number): Promise<WindowCount> {
    const w = this.#window(scope, now);
    w.requests++;
    return { requests: w.requests, tokens: w.tokens };
  }

  async peek(scope: string, now: number): Promise<WindowCount> {
    const w = this.#window(scope, now);
    return { requests: w.requests, tokens: w.tokens };
  }

  async addTokens(scope: string, tokens: number, now: number): Promise<void> {
    this.#window(scope, now).tokens += tokens;
  }

  async acquire(scope: string, max: number): Promise<boolean> {
    return this.#inFlight.acquire(scope, max);
  }

  release(scope: string): void {
    this.#inFlight.release(scope);
  }

  #window(scope: string, now: number) {
    const start = windowOf(now);
    let w = this.#windows.get(scope);
    if (w === undefined || w.start !== start) {
      // Old windows go as they are replaced; scopes are keys, teams and users, a bounded set.
      w = { start, requests: 0, tokens: 0 };
      this.#windows.set(scope, w);
    }
    return w;
  }
}

export class SqlLimiter implements Limiter {
  readonly #db: SqlDb;
  readonly #slots: SharedSlots;
  #swept = 0;

  constructor(db: SqlDb) {
    this.#db = db;
    this.#slots = new SharedSlots(db);
  }

  async hit(scope: string, now: number): Promise<WindowCount> {
    this.#sweep(now);
    const rows = await this.#db.query<{ requests: number; tokens: number }>(
      `INSERT INTO tg_limit_windows (scope, window_start, requests, tokens) VALUES ($1, $2, 1, 0)
       ON CONFLICT (scope, window_start) DO UPDATE SET requests = tg_limit_windows.requests + 1
       RETURNING requests, tokens`,
      [scope, windowOf(now)],
    );
    return { requests: Number(rows[0]?.requests ?? 1), tokens: Number(rows[0]?.tokens ?? 0) };
  }

  async peek(scope: string, now: number): Promise<WindowCount> {
    const rows = await this.#db.query<{ requests: number; tokens: number }>(
      'SELECT requests, tokens FROM tg_limit_windows WHERE scope = $1 AND window_start = $2',
      [scope, windowOf(now)],
    );
    return { requests: Number(rows[0]?.requests ?? 0), tokens: Number(rows[0]?.tokens ?? 0) };
  }

  async addTokens(scope: string, tokens: number, now: number): Promise<void> {
    await this.#db.run(
      `INSERT INTO tg_limit_windows (scope, window_start, requests, tokens) VALUES ($1, $2, 0, $3)
       ON CONFLICT (scope, window_start) DO UPDATE SET tokens = tg_limit_windows.tokens + $3`,
      [scope, windowOf(now), Math.round(tokens)],
    );
  }

  acquire(scope: string, max: number): Promise<boolean> {
    return this.#slots.acquire(scope, max);
  }

  release(scope: string): void {
    this.#slots.release(scope);
  }

  close(): Promise<void> {
    return this.#slots.close();
  }

  /** Windows older than the last few minutes are deleted now and then, by whichever replica gets there. */
  #sweep(now: number): void {
    if (now - this.#swept < 5 * MINUTE) return;
    this.#swept = now;
    this.#db.run('DELETE FROM tg_limit_windows WHERE window_start < $1', [windowOf(now) - 2]).catch(() => {});
  }
}
