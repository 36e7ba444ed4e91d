/**
 * The log of refused connections: one line when a client (or the whole gateway) first hits its cap, then
 * at most one line per interval with the count refused since. A flood of connections is what gets
 * refused, so a line per socket would turn the flood into a flood of log lines.
 */

export interface RefusalLogger {
  warn(obj: object, msg: string): void;
}

/** One refused connection: whose, and which cap it hit. */
export interface Refusal {
  /** The client address (an IPv6 client's /64). */
  client: string;
  cap: 'max_connections' | 'max_connections_per_client';
  limit: number;
}

interface Window {
  refused: number;
  last: Refusal;
  timer: NodeJS.Timeout;
}

const HOW_TO_CHANGE = {
  max_connections: 'general_settings.max_connections or TOLLGATE_MAX_CONNECTIONS',
  max_connections_per_client:
    'general_settings.max_connections_per_client or TOLLGATE_MAX_CONNECTIONS_PER_CLIENT',
} as const;

export class ConnectionRefusals {
  readonly #log: RefusalLogger;
  readonly #intervalMs: number;
  /**
   * Open windows by key: the client for the per-client cap, one for the total. Clients at their cap hold
   * `perClient` connections each within the total, so only a few can be at it at once: the map stays small.
   */
  readonly #windows = new Map<string, Window>();

  constructor(log: RefusalLogger, intervalMs: number) {
    this.#log = log;
    this.#intervalMs = intervalMs;
  }

  refused(refusal: Refusal): void {
    const key = refusal.cap === 'max_connections' ? '' : refusal.client;
    const window = this.#windows.get(key);
    if (window) {
      window.refused++;
      window.last = refusal;
      return;
    }
    this.#write(refusal, 1, `refused a connection from ${refusal.client}: ${reason(refusal)}`);
    this.#open(key, refusal);
  }

  /** Stops the timers; refusals not yet logged are dropped with the server. */
  close(): void {
    for (const window of this.#windows.values()) clearTimeout(window.timer);
    this.#windows.clear();
  }

  #open(key: string, last: Refusal): void {
    const timer = setTimeout(() => this.#end(key), this.#intervalMs);
    // A refusal window never keeps the process alive.
    timer.unref();
    this.#windows.set(key, { refused: 0, last, timer });
  }

  /** The end of an interval: its count, and another interval if there was any. */
  #end(key: string): void {
    const window = this.#windows.get(key);
    this.#windows.delete(key);
    if (!window || window.refused === 0) return;
    const seconds = this.#intervalMs / 1000;
    const from =
      window.last.cap === 'max_connections'
        ? `(the last from ${window.last.client})`
        : `from ${window.last.client}`;
    this.#write(
      window.last,
      window.refused,
      `refused ${window.refused} more connection(s) ${from} in the last ${seconds} s: ${reason(window.last)}`,
    );
    this.#open(key, window.last);
  }

  #write(refusal: Refusal, refused: number, msg: string): void {
    this.#log.warn({ client: refusal.client, refused, [refusal.cap]: refusal.limit }, msg);
  }
}

function reason(r: Refusal): string {
  const held =
    r.cap === 'max_connections'
      ? `the gateway holds ${r.limit} connections, its maximum`
      : `it holds ${r.limit} connections, the most one client may`;
  return `${held} (${HOW_TO_CHANGE[r.cap]})`;
}
