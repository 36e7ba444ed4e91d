/**
 * A search the store refuses or cannot finish. Three shapes, as OpenObserve answers:
 * - a search error (`code` set): `{"code": 20001, "message": …, "error_detail": …, "trace_id": …}`, with
 *   OpenObserve's codes, messages and HTTP statuses (its `ErrorCodes` in `infra/src/errors`);
 * - a request body its JSON extractor rejects (`text`): plain text, 400 or 422;
 * - anything else: `{"code": <status>, "message": …}`.
 */
export interface QueryErrorOptions {
  /** OpenObserve's error code (20001…): the body is its error JSON. */
  code?: number;
  /** `error_detail`; absent leaves the key out (OpenObserve drops it for unknown fields and functions). */
  detail?: string;
  /** Names the client may have meant (OpenObserve's `suggestions`). */
  suggestions?: string[];
  /** Answered as plain text, as a body rejected before the handler runs is. */
  text?: boolean;
}

export class QueryError extends Error {
  readonly status: number;
  readonly code: number | undefined;
  readonly detail: string | undefined;
  readonly suggestions: string[] | undefined;
  readonly text: boolean;
  constructor(message: string, status = 400, options: QueryErrorOptions = {}) {
    super(message);
    this.status = status;
    this.code = options.code;
    this.detail = options.detail;
    this.suggestions = options.suggestions;
    this.text = options.text ?? false;
  }
}

/** OpenObserve's search error codes, each with its fixed message and HTTP status. */
export const SEARCH_ERRORS = {
  sqlNotValid: { code: 20001, status: 400, message: 'Search SQL not valid' },
  executeError: { code: 20008, status: 400, message: 'Search SQL execute error' },
  timeout: { code: 20010, status: 408, message: 'Search query timed out' },
  invalidParams: { code: 20011, status: 400, message: 'Invalid parameters' },
} as const;

export type SearchErrorKind = keyof typeof SEARCH_ERRORS;

/** A search error whose message is the code's own, with what went wrong in `error_detail`. */
export function searchError(kind: SearchErrorKind, detail: string): QueryError {
  const e = SEARCH_ERRORS[kind];
  return new QueryError(e.message, e.status, { code: e.code, detail });
}

/** 20002: the message names the stream and the detail is empty, as in OpenObserve. */
export function streamNotFound(stream: string): QueryError {
  return new QueryError(`Search stream not found: ${stream}`, 400, { code: 20002, detail: '' });
}

/** 20004, as OpenObserve's HTTP layer words it: no `error_detail`, close names as `suggestions`. */
export function fieldNotFound(field: string, suggestions: string[]): QueryError {
  return new QueryError(`unknown field '${field}'`, 400, {
    code: 20004,
    ...(suggestions.length > 0 ? { suggestions } : {}),
  });
}

/** 20005, worded as OpenObserve's HTTP layer words it. */
export function functionNotDefined(name: string): QueryError {
  return new QueryError(`unknown function '${name}'`, 400, { code: 20005 });
}

/** The detail of the 408 of a search stopped at its time limit, whoever stopped it. */
export function timeLimitMessage(timeLimitMs: number): string {
  return `The query ran longer than the ${timeLimitMs} ms limit; narrow the time range or add a filter`;
}

/** 20010 for a search stopped at its time limit (SQLite's tick or the pool's kill). */
export function timeLimitError(timeLimitMs: number): QueryError {
  return searchError('timeout', timeLimitMessage(timeLimitMs));
}
