/**
 * Keeps a label's values bounded when they come from clients (the model a client names, its `user`): the
 * first `max` distinct values are shown as they are, later ones, and any longer than `maxLength`, as
 * `other`. Every value becomes a time series kept for the life of the process, so an unbounded label
 * would grow memory and the scrape without end.
 */
export const OTHER = 'other';

export class BoundedValues {
  readonly #seen = new Set<string>();
  readonly #max: number;
  readonly #maxLength: number;

  constructor(max: number, maxLength = 200) {
    this.#max = max;
    this.#maxLength = maxLength;
  }

  value(raw: string): string {
    if (this.#seen.has(raw)) return raw;
    if (raw.length > this.#maxLength || this.#seen.size >= this.#max) return OTHER;
    this.#seen.add(raw);
    return raw;
  }
}
