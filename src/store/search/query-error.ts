/** A search the store refuses or cannot finish, answered as OpenObserve does: `{code, message}`. */
export class QueryError extends Error {
  readonly status: number;
  constructor(message: string, status = 400) {
    super(message);
    this.status = status;
  }
}
