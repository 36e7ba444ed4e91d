/**
 * The store's searches over one read-only connection: `_search`, the trace list and one trace, each
 * answered as JSON text. The store worker keeps one for in-memory stores; for a file, the search
 * processes (`search-process.ts`) each open their own, so a runaway query can be killed.
 */
import type { DatabaseSync } from 'node:sqlite';
import { streamName } from '../columns.ts';
import { openReadOnly } from '../database.ts';
import { stringify } from '../json.ts';
import { latestTracesStream } from './latest-stream.ts';
import { latestTraces } from './latest-traces.ts';
import { sessionDetails } from './llm-session-details.ts';
import { latestSessions } from './llm-sessions.ts';
import { latestUsers } from './llm-users.ts';
import { QueryRunner } from './query-runner.ts';
import { search } from './search.ts';
import { traceDetails } from './trace-details.ts';
import type { Params } from './traces.ts';
import { fieldValues } from './values.ts';

/** What answers the read methods of the store's API (`readMethods` in `store-api.ts`). */
export interface SearchSide {
  /** The `_search` response as JSON text; `traceId` is the request's, echoed in the answer. */
  search(org: string, body: unknown, traceId?: string): string;
  latest(org: string, stream: string, params: Params): string;
  details(org: string, stream: string, traceId: string, params: Params): string;
  /** The trace list as OpenObserve's server-sent events. */
  latestStream(org: string, stream: string, params: Params): string;
  values(org: string, stream: string, params: Params): string;
  sessions(org: string, stream: string, params: Params): string;
  sessionDetails(org: string, stream: string, params: Params): string;
  users(org: string, stream: string, params: Params): string;
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

  search(org: string, body: unknown, traceId?: string): string {
    return stringify(search(this.#runner, org, body, traceId));
  }

  latest(org: string, stream: string, params: Params): string {
    return stringify(latestTraces(this.#runner, org, streamName(stream), params));
  }

  details(org: string, stream: string, traceId: string, params: Params): string {
    return stringify(traceDetails(this.#runner, org, streamName(stream), traceId, params));
  }

  latestStream(org: string, stream: string, params: Params): string {
    return latestTracesStream(this.#runner, org, streamName(stream), params);
  }

  values(org: string, stream: string, params: Params): string {
    return stringify(fieldValues(this.#runner, org, streamName(stream), params));
  }

  sessions(org: string, stream: string, params: Params): string {
    return stringify(latestSessions(this.#runner, org, streamName(stream), params));
  }

  sessionDetails(org: string, stream: string, params: Params): string {
    return stringify(sessionDetails(this.#runner, org, streamName(stream), params));
  }

  users(org: string, stream: string, params: Params): string {
    return stringify(latestUsers(this.#runner, org, streamName(stream), params));
  }
}
