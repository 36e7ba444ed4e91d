/**
 * Where alert rules, destinations and the history of firings live: a SQLite file beside the trace
 * store (`alerts.db`), apart from the spans, so that user SQL over the store can never read a
 * webhook's headers. Destinations are stored sealed (secret-box.ts).
 */
import { dirname, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { preparePrivateFile } from '../shared/private-file.ts';
import { enterWal } from '../shared/sqlite-wal.ts';
import type { Destination, Rule } from './rule.ts';
import { fileKeyBox, keyIdOf, masterKeyBox, type SecretBox } from './secret-box.ts';

const MIGRATIONS = [
  `CREATE TABLE rules (org TEXT NOT NULL, name TEXT NOT NULL, body TEXT NOT NULL, updated_at INTEGER NOT NULL,
     PRIMARY KEY (org, name));
   CREATE TABLE destinations (org TEXT NOT NULL, name TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (org, name));
   CREATE TABLE history (id INTEGER PRIMARY KEY, org TEXT NOT NULL, alert_name TEXT NOT NULL, kind TEXT NOT NULL,
     grp TEXT, value REAL, at INTEGER NOT NULL, delivered INTEGER NOT NULL, attempts INTEGER NOT NULL, error TEXT);
   CREATE INDEX history_at ON history (org, at);`,
  // The salt of the key derived from the master key. Network errors recorded before the history stopped
  // telling them apart ("connect ECONNREFUSED ::1:9555" made it a port scanner) lose their detail.
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   INSERT INTO meta VALUES ('secret_salt', lower(hex(randomblob(16))));
   UPDATE history SET error = 'could not deliver: no answer from the destination'
     WHERE delivered = 0 AND error IS NOT NULL AND error NOT LIKE 'the webhook answered %'
       AND error NOT LIKE 'no destination named %' AND error NOT LIKE 'destination refused: %'`,
];

/** A destination alerts.db holds but cannot open: sealed with another master key than this one. */
export class UnreadableDestination extends Error {
  override name = 'UnreadableDestination';
}

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
  readonly #box: SecretBox;
  /** `org/name` of each destination sealed with a key this process does not have. */
  readonly unreadable: string[] = [];

  /**
   * `storePath` is the trace store's file (or `:memory:`); the alerts file sits beside it. With a
   * master key, destinations are sealed with a key derived from it, else with `alerts.key`.
   */
  constructor(storePath: string, masterKey?: string) {
    const path = storePath === ':memory:' ? ':memory:' : join(dirname(storePath), 'alerts.db');
    const keyPath = path === ':memory:' ? undefined : join(dirname(path), 'alerts.key');
    preparePrivateFile(path);
    this.#db = new DatabaseSync(path, { timeout: 5000 });
    enterWal(this.#db);
    // A deleted or replaced destination leaves no readable bytes in free pages.
    this.#db.exec('PRAGMA secure_delete = ON');
    // --num_workers: every worker opens this file at start. The version is read under the write lock,
    // so the second to come waits for the first's migration instead of running it again.
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const { user_version: version } = this.#db.prepare('PRAGMA user_version').get() as {
        user_version: number;
      };
      for (let v = version; v < MIGRATIONS.length; v++)
        this.#db.exec(`${MIGRATIONS[v]}; PRAGMA user_version = ${v + 1};`);
      this.#box = this.#sealKey(masterKey, keyPath);
      this.#reseal(masterKey === undefined ? undefined : fileKeyBox(keyPath, false));
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

  /** The org's destinations this process can open (those sealed with another key are in `unreadable`). */
  destinations(org: string): Destination[] {
    const rows = this.#db
      .prepare('SELECT body FROM destinations WHERE org = ? ORDER BY name')
      .all(org) as Array<{ body: string }>;
    return rows.flatMap((r) => {
      const body = this.#box.open(r.body);
      return body === undefined ? [] : [JSON.parse(body) as Destination];
    });
  }

  /** Undefined when there is none; UnreadableDestination when it was sealed with another key. */
  destination(org: string, name: string): Destination | undefined {
    const row = this.#db.prepare('SELECT body FROM destinations WHERE org = ? AND name = ?').get(org, name) as
      | { body: string }
      | undefined;
    if (!row) return undefined;
    const body = this.#box.open(row.body);
    if (body === undefined)
      throw new UnreadableDestination(
        `destination ${name} was sealed with another master key: save it again (url and headers)`,
      );
    return JSON.parse(body) as Destination;
  }

  saveDestination(org: string, destination: Destination): void {
    this.#db
      .prepare('INSERT OR REPLACE INTO destinations (org, name, body) VALUES (?, ?, ?)')
      .run(org, destination.name, this.#box.seal(JSON.stringify(destination)));
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

  #sealKey(masterKey: string | undefined, keyPath: string | undefined): SecretBox {
    if (masterKey === undefined) return fileKeyBox(keyPath, true) as SecretBox;
    const { value: salt } = this.#db.prepare("SELECT value FROM meta WHERE key = 'secret_salt'").get() as {
      value: string;
    };
    return masterKeyBox(masterKey, salt);
  }

  /**
   * Seals rows stored in plain text (before sealing), and those the key file sealed once a master key
   * is set; lists the ones no key at hand opens.
   */
  #reseal(fileBox: SecretBox | undefined): void {
    const rows = this.#db.prepare('SELECT org, name, body FROM destinations').all() as Array<{
      org: string;
      name: string;
      body: string;
    }>;
    const update = this.#db.prepare('UPDATE destinations SET body = ? WHERE org = ? AND name = ?');
    for (const row of rows) {
      const id = keyIdOf(row.body);
      if (id === this.#box.id) {
        if (this.#box.open(row.body) === undefined) this.unreadable.push(`${row.org}/${row.name}`);
        continue;
      }
      const plain = id === undefined ? row.body : fileBox?.open(row.body);
      if (plain === undefined) this.unreadable.push(`${row.org}/${row.name}`);
      else update.run(this.#box.seal(plain), row.org, row.name);
    }
  }

  close(): void {
    this.#db.close();
  }
}
