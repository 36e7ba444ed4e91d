/**
 * Where alert rules, destinations and the history of firings live: a SQLite file beside the trace
 * store (`alerts.db`), apart from the spans, so that user SQL over the store can never read a
 * webhook's headers.
 */
import { dirname, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { preparePrivateFile } from '../shared/private-file.ts';
import type { Destination, Rule } from './rule.ts';

const MIGRATIONS = [
  `CREATE TABLE rules (org TEXT NOT NULL, name TEXT NOT NULL, body TEXT NOT NULL, updated_at INTEGER NOT NULL,
     PRIMARY KEY (org, name));
   CREATE TABLE destinations (org TEXT NOT NULL, name TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (org, name));
   CREATE TABLE history (id INTEGER PRIMARY KEY, org TEXT NOT NULL, alert_name TEXT NOT NULL, kind TEXT NOT NULL,
     grp TEXT, value REAL, at INTEGER NOT NULL, delivered INTEGER NOT NULL, attempts INTEGER NOT NULL, error TEXT);
   CREATE INDEX history_at ON history (org, at);`,
];

export interface HistoryEntry {
  alert_name: string;
  kind: 'firing' | 'recovered';
  group: string | null;
  value: number;
  at: number;
  delivered: boolean;
  attempts: number;
  error: string | null;
}

export class AlertDb {
  readonly #db: DatabaseSync;

  /** `storePath` is the trace store's file (or `:memory:`); the alerts file sits beside it. */
  constructor(storePath: string) {
    const path = storePath === ':memory:' ? ':memory:' : join(dirname(storePath), 'alerts.db');
    preparePrivateFile(path);
    this.#db = new DatabaseSync(path, { timeout: 5000 });
    this.#db.exec('PRAGMA journal_mode = WAL');
    // --num_workers: every worker opens this file at start. The version is read under the write lock,
    // so the second to come waits for the first's migration instead of running it again.
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const { user_version: version } = this.#db.prepare('PRAGMA user_version').get() as {
        user_version: number;
      };
      for (let v = version; v < MIGRATIONS.length; v++)
        this.#db.exec(`${MIGRATIONS[v]}; PRAGMA user_version = ${v + 1};`);
      this.#db.exec('COMMIT');
    } catch (err) {
      this.#db.exec('ROLLBACK');
      throw err;
    }
  }

  rules(org?: string): Array<Rule & { org: string }> {
    const rows = (
      org === undefined
        ? this.#db.prepare('SELECT org, body FROM rules ORDER BY org, name').all()
        : this.#db.prepare('SELECT org, body FROM rules WHERE org = ? ORDER BY name').all(org)
    ) as Array<{ org: string; body: string }>;
    return rows.map((r) => ({ ...(JSON.parse(r.body) as Rule), org: r.org }));
  }

  rule(org: string, name: string): Rule | undefined {
    const row = this.#db.prepare('SELECT body FROM rules WHERE org = ? AND name = ?').get(org, name) as
      | { body: string }
      | undefined;
    return row ? (JSON.parse(row.body) as Rule) : undefined;
  }

  saveRule(org: string, rule: Rule): void {
    this.#db
      .prepare('INSERT OR REPLACE INTO rules (org, name, body, updated_at) VALUES (?, ?, ?, ?)')
      .run(org, rule.name, JSON.stringify(rule), Date.now());
  }

  deleteRule(org: string, name: string): boolean {
    return (
      Number(this.#db.prepare('DELETE FROM rules WHERE org = ? AND name = ?').run(org, name).changes) > 0
    );
  }

  destinations(org: string): Destination[] {
    const rows = this.#db
      .prepare('SELECT body FROM destinations WHERE org = ? ORDER BY name')
      .all(org) as Array<{
      body: string;
    }>;
    return rows.map((r) => JSON.parse(r.body) as Destination);
  }

  destination(org: string, name: string): Destination | undefined {
    return this.destinations(org).find((d) => d.name === name);
  }

  saveDestination(org: string, destination: Destination): void {
    this.#db
      .prepare('INSERT OR REPLACE INTO destinations (org, name, body) VALUES (?, ?, ?)')
      .run(org, destination.name, JSON.stringify(destination));
  }

  deleteDestination(org: string, name: string): boolean {
    return (
      Number(this.#db.prepare('DELETE FROM destinations WHERE org = ? AND name = ?').run(org, name).changes) >
      0
    );
  }

  record(org: string, entry: HistoryEntry): void {
    this.#db
      .prepare(
        'INSERT INTO history (org, alert_name, kind, grp, value, at, delivered, attempts, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        org,
        entry.alert_name,
        entry.kind,
        entry.group,
        entry.value,
        entry.at,
        entry.delivered ? 1 : 0,
        entry.attempts,
        entry.error,
      );
  }

  history(org: string, limit = 200): HistoryEntry[] {
    const rows = this.#db
      .prepare(
        'SELECT alert_name, kind, grp, value, at, delivered, attempts, error FROM history WHERE org = ? ORDER BY at DESC, id DESC LIMIT ?',
      )
      .all(org, limit) as Array<
      Omit<HistoryEntry, 'group' | 'delivered'> & { grp: string | null; delivered: number }
    >;
    return rows.map(({ grp, delivered, ...r }) => ({ ...r, group: grp, delivered: delivered === 1 }));
  }

  close(): void {
    this.#db.close();
  }
}
