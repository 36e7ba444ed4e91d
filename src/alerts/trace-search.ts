/**
 * Where alert rules read spans: the embedded store, or the remote OpenObserve the gateway exports to
 * (the rules and their history stay in alerts.db either way). Both are asked the same two things, in
 * OpenObserve's API terms: a stream's schema and a `_search`.
 */
import { RemoteError, RemoteOpenObserve } from '../store/remote-openobserve.ts';
import type { StoreClient } from '../store/store-client.ts';

const NO_SCHEMA = '{"schema":[]}';

export type TraceSource = StoreClient | RemoteOpenObserve;

export interface TraceSearch {
  /**
   * `GET /api/{org}/streams/default/schema`: JSON text with `schema: [{name}]`, empty when the stream
   * does not exist yet. A remote that cannot be asked throws: no answer must not read as "recovered".
   */
  schema(org: string): Promise<string>;
  /** `POST /api/{org}/_search?type=traces`: JSON text with `hits`. */
  search(org: string, body: { query: { sql: string } & Record<string, unknown> }): Promise<string>;
}

export function traceSearchOf(source: TraceSource): TraceSearch {
  if (source instanceof RemoteOpenObserve) {
    const org = (name: string) => encodeURIComponent(source.orgOf(name));
    return {
      schema: (name) =>
        source
          .json('GET', `/api/${org(name)}/streams/${encodeURIComponent(source.stream)}/schema?type=traces`)
          .catch((err: unknown) => {
            if (err instanceof RemoteError && err.status === 404) return NO_SCHEMA;
            throw err;
          }),
      search: (name, body) =>
        source.json('POST', `/api/${org(name)}/_search?type=traces`, {
          ...body,
          query: { ...body.query, sql: source.sqlOf(body.query.sql) },
        }),
    };
  }
  return {
    schema: (org) => source.call('streams', { org, stream: 'default' }).catch(() => NO_SCHEMA),
    search: (org, body) => source.call('search', { org, body }),
  };
}
