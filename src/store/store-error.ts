import type { QueryErrorOptions } from './search/query-error.ts';

/**
 * A store call that failed: `status` is the HTTP status to answer with; `shape` says how OpenObserve
 * words it (an error code and detail for a search error, plain text for a rejected body).
 */
export class StoreError extends Error {
  readonly status: number;
  readonly shape: QueryErrorOptions;
  constructor(message: string, status: number, shape: QueryErrorOptions = {}) {
    super(message);
    this.status = status;
    this.shape = shape;
  }
}
