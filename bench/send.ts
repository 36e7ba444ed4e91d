// One request through undici's low-level dispatch API: no body stream object and no promise per
// chunk, so the generator spends as little CPU as possible on the 2 cores it shares with the
// system under test, and the first/last byte timestamps are taken the moment the bytes arrive.
import type { Dispatcher } from 'undici';
import { nowMs } from './clock.ts';
import type { Endpoint } from './endpoint.ts';

export interface Outcome {
  status: number;
  /** Arrival of the first body byte (the first SSE event for streams). */
  firstByteAt: number;
  /** Arrival of the last body byte. */
  endAt: number;
  error?: Error;
}

class TimingHandler implements Dispatcher.DispatchHandler {
  status = 0;
  firstByteAt = 0;
  done: (o: Outcome) => void;

  constructor(done: (o: Outcome) => void) {
    this.done = done;
  }

  // Its presence is what tells undici this handler speaks the v7 (controller) API.
  onRequestStart(): void {}

  onResponseStart(_c: Dispatcher.DispatchController, statusCode: number): void {
    this.status = statusCode;
  }

  onResponseData(_c: Dispatcher.DispatchController, _chunk: Buffer): void {
    if (this.firstByteAt === 0) this.firstByteAt = nowMs();
  }

  onResponseEnd(): void {
    const end = nowMs();
    this.done({ status: this.status, firstByteAt: this.firstByteAt || end, endAt: end });
  }

  onResponseError(_c: Dispatcher.DispatchController, error: Error): void {
    const end = nowMs();
    this.done({ status: this.status, firstByteAt: this.firstByteAt || end, endAt: end, error });
  }
}

export function send(
  dispatcher: Dispatcher,
  ep: Endpoint,
  body: Buffer,
  timeoutMs: number,
): Promise<Outcome> {
  return new Promise((resolve) => {
    dispatcher.dispatch(
      {
        path: ep.path,
        method: 'POST',
        headers: ep.headers,
        body,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      },
      new TimingHandler(resolve),
    );
  });
}

export function isOk(o: Outcome): boolean {
  return o.error === undefined && o.status >= 200 && o.status < 300;
}

export function describeFailure(o: Outcome): string {
  return o.error ? `${o.error.name}: ${o.error.message}` : `HTTP ${o.status}`;
}
