/**
 * prom-client metrics whose values the request path keeps itself, in plain numbers, and prom-client reads
 * at scrape time. prom-client's own `inc`/`observe` build and hash a string of every label on every call
 * (microseconds with LiteLLM's dozen labels, per metric, per request); here a request adds to numbers in
 * cells it has already found (see series.ts), and the label objects are built once per combination.
 */
import { Counter, Gauge, Histogram } from 'prom-client';

export type Labels = Readonly<Record<string, string>>;

/** One series of a counter or gauge. */
export interface ValueCell {
  readonly labels: Labels;
  value: number;
}

/** One series of a histogram: counts per bucket (not cumulative), and the sum and count. */
export interface BucketCell {
  readonly labels: Labels;
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

/** The cells of a counter or gauge, by their label values joined; kept until removed. */
export class ValueCells {
  readonly cells = new Map<string, ValueCell>();

  cell(key: string, labels: Labels): ValueCell {
    let cell = this.cells.get(key);
    if (cell === undefined) {
      cell = { labels, value: 0 };
      this.cells.set(key, cell);
    }
    return cell;
  }

  values(): Array<{ value: number; labels: Labels }> {
    const out: Array<{ value: number; labels: Labels }> = [];
    for (const c of this.cells.values()) out.push({ value: c.value, labels: c.labels });
    return out;
  }
}

/** A counter kept in cells; its name ends in `_total`, as LiteLLM's counters are exposed. */
export class StoredCounter extends Counter<string> {
  readonly store = new ValueCells();

  constructor(name: string, help: string, labelNames: readonly string[]) {
    super({ name, help, labelNames, registers: [] });
  }

  override async get(): ReturnType<Counter<string>['get']> {
    return { ...(await super.get()), values: this.store.values() };
  }
}

export class StoredGauge extends Gauge<string> {
  readonly store = new ValueCells();

  constructor(name: string, help: string, labelNames: readonly string[]) {
    super({ name, help, labelNames, registers: [] });
  }

  override async get(): ReturnType<Gauge<string>['get']> {
    return { ...(await super.get()), values: this.store.values() };
  }
}

export class StoredHistogram extends Histogram<string> {
  readonly metricName: string;
  readonly #help: string;
  readonly cells = new Map<string, BucketCell>();
  /** Upper bounds, ascending, without +Inf (the last count is the +Inf bucket's own). */
  readonly bounds: readonly number[];

  constructor(name: string, help: string, labelNames: readonly string[], bounds: readonly number[]) {
    super({ name, help, labelNames, buckets: [...bounds], registers: [] });
    this.metricName = name;
    this.#help = help;
    this.bounds = bounds;
  }

  cell(key: string, labels: Labels): BucketCell {
    let cell = this.cells.get(key);
    if (cell === undefined) {
      cell = { labels, counts: new Float64Array(this.bounds.length + 1), sum: 0, count: 0 };
      this.cells.set(key, cell);
    }
    return cell;
  }

  /** Adds one observation (seconds, …) to a cell. */
  add(cell: BucketCell, value: number): void {
    if (!Number.isFinite(value)) return;
    const b = this.bounds;
    // Binary search for the first bound >= value.
    let lo = 0;
    let hi = b.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((b[mid] as number) < value) lo = mid + 1;
      else hi = mid;
    }
    (cell.counts as Float64Array)[lo] = (cell.counts[lo] ?? 0) + 1;
    cell.sum += value;
    cell.count += 1;
  }

  /**
   * What prom-client's registry writes a histogram from (it prefers this to `get`): each bucket's `le`
   * as its own label and the cell's labels as shared ones, which the registry formats once per cell.
   * prom-client's own `get` (JSON, cluster aggregation) reads it too and merges the two.
   */
  async getForPromString(): Promise<{
    name: string;
    help: string;
    type: string;
    aggregator: string;
    values: BucketValue[];
  }> {
    const name = this.metricName;
    const bucket = `${name}_bucket`;
    const values: BucketValue[] = [];
    for (const cell of this.cells.values()) {
      let cumulative = 0;
      for (let i = 0; i < this.bounds.length; i++) {
        cumulative += cell.counts[i] ?? 0;
        values.push({
          value: cumulative,
          labels: { le: this.bounds[i] as number },
          sharedLabels: cell.labels,
          metricName: bucket,
        });
      }
      values.push({
        value: cell.count,
        labels: { le: '+Inf' },
        sharedLabels: cell.labels,
        metricName: bucket,
      });
      values.push({ value: cell.sum, labels: {}, sharedLabels: cell.labels, metricName: `${name}_sum` });
      values.push({ value: cell.count, labels: {}, sharedLabels: cell.labels, metricName: `${name}_count` });
    }
    return { name, help: this.#help, type: 'histogram', aggregator: 'sum', values };
  }
}

interface BucketValue {
  value: number;
  labels: Record<string, string | number>;
  sharedLabels: Labels;
  metricName: string;
}
