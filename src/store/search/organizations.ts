/**
 * `GET /api/organizations` (and `/api/{org}/organizations`, the path the Grafana OpenObserve datasource's
 * "Save & test" calls): the organisations the caller can see, in OpenObserve's `OrgDetails` shape. This
 * store has one caller, the master key, who sees every organisation: `default` and each one that has
 * streams.
 */
import type { DatabaseSync } from 'node:sqlite';
import { loadStreams } from '../stream-schema.ts';

/** OpenObserve answers this fixed number as both thresholds. */
const THRESHOLD = 9383939382;

export interface OrgDetails {
  id: number;
  identifier: string;
  name: string;
  user_email: string;
  ingest_threshold: number;
  search_threshold: number;
  type: 'default' | 'custom';
  UserObj: { first_name: string; last_name: string; email: string };
  plan: number;
}

/** `user`: who asked (OpenObserve's user id, an email there); `pageSize` caps the list as its `page_size` does. */
export function listOrganizations(db: DatabaseSync, user: string, pageSize: number): { data: OrgDetails[] } {
  const names = ['default'];
  for (const s of loadStreams(db)) if (!names.includes(s.org)) names.push(s.org);
  // Ids follow the order organisations were made in (default first), and the list is sorted by name.
  const data = names.slice(0, pageSize).map((name, i) => ({
    id: i + 1,
    identifier: name,
    name,
    user_email: user,
    ingest_threshold: THRESHOLD,
    search_threshold: THRESHOLD,
    type: name === 'default' ? ('default' as const) : ('custom' as const),
    UserObj: { first_name: '', last_name: '', email: user },
    plan: 0,
  }));
  data.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { data };
}
