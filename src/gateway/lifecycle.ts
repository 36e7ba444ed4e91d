/**
 * One request's life, from parsed body to last byte, ended exactly once. Two things must both be over
 * before a request is: the gateway's work (the answer computed, or a stream relayed to its end or cut
 * off) and the client's side (the whole answer written, or the client gone). Whatever happens first
 * decides how it ended (`Ending`) and when; `finish` then runs once, with the record complete, and
 * everything that cares (telemetry, later spend and cache) hears of it there and nowhere else.
 */
import { clientClosed, GatewayError } from '../errors/gateway-error.ts';
import type { Ending, RequestRecord } from './record.ts';

/** What ends a request from outside the gateway's own work. */
export type Abandonment = Extract<Ending, 'client_closed' | 'client_timeout' | 'shutdown'>;

export class RequestLifecycle {
  readonly record: RequestRecord;
  readonly #controller = new AbortController();
  readonly #finish: (record: RequestRecord) => void;
  #working = true;
  /** True while a client waits for bytes the gateway has yet to write. */
  #connected: boolean;
  #finished = false;

  /**
   * `connected`: a server will write the answer and report `delivered` or `abandon`; without one (a
   * test driving the gateway with plain objects) the request is over when the gateway's work is.
   */
  constructor(record: RequestRecord, finish: (record: RequestRecord) => void, connected: boolean) {
    this.record = record;
    this.#finish = finish;
    this.#connected = connected;
  }

  /** Aborted when the request is abandoned: every upstream call and wait of the request stops. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get abandoned(): boolean {
    return this.#controller.signal.aborted;
  }

  /** The client left, stopped reading, or the gateway is going down, before the answer was all written. */
  abandon(reason: Abandonment): void {
    if (this.#finished) return;
    this.#connected = false;
    if (this.record.ending === undefined) {
      this.record.ending = reason;
      // The request's duration is to the hang-up, not to when the work behind it unwound.
      this.record.finishedPerf = performance.now();
    }
    this.#controller.abort();
    this.#maybeFinish();
  }

  /** The whole answer reached the client's socket. */
  delivered(): void {
    if (!this.#connected) return;
    this.#connected = false;
    this.record.finishedPerf ??= performance.now();
    this.#maybeFinish();
  }

  /** The gateway's part is over: the answer is ready to send, or the stream has ended either way. */
  workDone(): void {
    this.#working = false;
    this.#maybeFinish();
  }

  /** The error an abandoned request ends with: a client that left gets none it could read. */
  abandonError(): GatewayError {
    if (this.record.ending !== 'shutdown') return clientClosed();
    return new GatewayError('The gateway is shutting down; retry the request', {
      status: 503,
      type: 'api_error',
      code: 'shutting_down',
      retryable: true,
    });
  }

  #maybeFinish(): void {
    if (this.#finished || this.#working || this.#connected) return;
    this.#finished = true;
    const record = this.record;
    record.finishedPerf ??= performance.now();
    if (record.ending === 'client_closed' || record.ending === 'client_timeout') {
      record.error ??= clientClosed();
      record.httpStatus = 499;
    }
    record.ending ??= record.error === undefined ? 'completed' : 'failed';
    record.httpStatus ??= record.error?.status ?? 200;
    this.#finish(record);
  }
}
