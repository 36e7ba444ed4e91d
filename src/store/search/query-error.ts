/** A search the store refuses or cannot finish, answered as OpenObserve does: `{code, message}`. */
export class QueryError extends Error {
  readonly status: number;
  constructor(message: string, status = 400) {
    super(message);
    this.status = status;
  }
}

/** The 408 of a search stopped at its time limit, whoever stopped it (SQLite's tick or the pool's kill). */
export function timeLimitMessage(timeLimitMs: number): string {
  return `The query ran longer than the ${timeLimitMs} ms limit; narrow the time range or add a filter`;
}
