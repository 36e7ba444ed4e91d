/**
 * The store's searches over one read-only connection: `_search`, the trace list and one trace, each
 * answered as JSON text. The store worker keeps one for in-memory stores; for a file, the search
 * processes (`search-process.ts`) each open their own, so a runaway query can be killed.
 */
import type { DatabaseSync } from 'node:sqlite';
import { streamName } from '../columns.ts';
import { openReadOnly } from '../database.ts';
import { stringify } from '../json.ts';
import { latestTraces } from './latest-traces.ts';
import { QueryRunner } from './query-runner.ts';
import { search } from './search.ts';
import { type Params, traceDetails } from './traces.ts';

/** What answers the read methods of the store's API (`readMethods` in `store-api.ts`). */
export interface SearchSide {
  /** The `_search` response as JSON text. */
  search(org: string, body: unknown): string;
  latest(org: string, stream: string, params: Params): string;
  details(org: string, stream: string, traceId: string, params: Params): string;
}

export interface ReaderOptions {
  /** Longest a search may run. */
  timeLimitMs: number;
  /** Largest OTLP body: no stored value is longer, so no search needs to build a longer one. */
  maxBodyBytes: number;
}

export class SearchReader implements SearchSide {
  readonly #db: DatabaseSync;
  readonly #runner: QueryRunner;

  /** Opens `path` read-only; the runner installs its authorizer and functions on the connection. */
  constructor(path: string, options: ReaderOptions) {
    this.#db = openReadOnly(path, Math.max(options.maxBodyBytes, 1024 * 1024));
    this.#runner = new QueryRunner(this.#db, { timeLimitMs: options.timeLimitMs });
  }

  close(): void {
    this.#db.close();
  }

  search(org: string, body: unknown): string {
    return stringify(search(this.#runner, org, body));
  }

  latest(org: string, stream: string, params: Params): string {
    return stringify(latestTraces(this.#runner, org, streamName(stream), params));
  }

  details(org: string, stream: string, traceId: string, params: Params): string {
    return stringify(traceDetails(this.#runner, org, streamName(stream), traceId, params));
  }
}
