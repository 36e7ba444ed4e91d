/** A store call that failed: `status` is the HTTP status to answer with. */
export class StoreError extends Error {
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}
