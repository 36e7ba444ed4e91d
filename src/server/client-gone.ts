/** An abort signal for calls made while answering one request. */
import type { ServerResponse } from 'node:http';

/** Aborted when the client goes away before its answer is all written (the response closes first). */
export function clientGoneSignal(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}
