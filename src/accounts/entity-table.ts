/**
 * One kind of account entity (keys, users, teams, …) in its table: the LiteLLM fields as one JSON
 * document, the fields queries filter on mirrored into columns of the same name, and spend in a column of
 * its own so that charging is one atomic `spend = spend + $1`. Reads give back one object with every
 * field, as LiteLLM's API shows it.
 */
import type { JsonObject } from '../shared/json.ts';
import type { SqlDb, SqlRow, SqlValue } from './sql/db.ts';
import { parseJson } from './sql/db.ts';

export type Entity = JsonObject;

/** The fields kept in columns rather than in `data` (besides the id and the mirrored columns). */
const OWN_COLUMNS = ['spend', 'budget_reset_at', 'created_at', 'updated_at'] as const;

export class EntityTable {
  readonly table: string;
  /** The primary key column(s). */
  readonly ids: readonly string[];
  /** Fields mirrored into columns, for WHERE clauses. */
  readonly columns: readonly string[];

  constructor(table: string, ids: readonly string[], columns: readonly string[] = []) {
    this.table = table;
    this.ids = ids;
    this.columns = columns;
  }

  async get(db: SqlDb, ...id: string[]): Promise<Entity | undefined> {
    const rows = await db.query(`SELECT * FROM ${this.table} WHERE ${this.#idWhere(1)}`, id);
    return rows[0] === undefined ? undefined : this.read(rows[0]);
  }

  /** Just the spend and the end of the budget period: what a budget check reads on each request. */
  async spendOf(
    db: SqlDb,
    ...id: string[]
  ): Promise<{ spend: number; budget_reset_at: string | null } | undefined> {
    const rows = await db.query<{ spend: number; budget_reset_at: string | null }>(
      `SELECT spend, budget_reset_at FROM ${this.table} WHERE ${this.#idWhere(1)}`,
      id,
    );
    const row = rows[0];
    return row === undefined ? undefined : { spend: Number(row.spend), budget_reset_at: row.budget_reset_at };
  }

  /** Rows matching `where` (SQL over the columns, with `$n` parameters), newest first. */
  async find(
    db: SqlDb,
    where = '1 = 1',
    params: readonly SqlValue[] = [],
    page: { limit?: number; offset?: number } = {},
  ): Promise<Entity[]> {
    const limit = page.limit === undefined ? '' : ` LIMIT ${Math.max(0, Math.floor(page.limit))}`;
    const offset = page.offset ? ` OFFSET ${Math.max(0, Math.floor(page.offset))}` : '';
    const rows = await db.query(
      `SELECT * FROM ${this.table} WHERE ${where} ORDER BY created_at DESC${limit}${offset}`,
      params,
    );
    return rows.map((row) => this.read(row));
  }

  async count(db: SqlDb, where = '1 = 1', params: readonly SqlValue[] = []): Promise<number> {
    const rows = await db.query<{ n: number }>(
      `SELECT CAST(COUNT(*) AS INTEGER) AS n FROM ${this.table} WHERE ${where}`,
      params,
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** Inserts `entity` (its id fields and mirrored columns included); false when the id is taken. */
  async insert(db: SqlDb, entity: Entity): Promise<boolean> {
    const now = new Date().toISOString();
    const row = this.#row({ ...entity, created_at: entity.created_at ?? now, updated_at: now });
    const names = Object.keys(row);
    const changed = await db.run(
      `INSERT INTO ${this.table} (${names.join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')})
       ON CONFLICT DO NOTHING`,
      Object.values(row),
    );
    return changed > 0;
  }

  /** Replaces the stored entity with `entity` (read, changed, written back by the caller). */
  async replace(db: SqlDb, entity: Entity): Promise<void> {
    const row = this.#row({ ...entity, updated_at: new Date().toISOString() });
    // Spend is never written from a read copy: charges made meanwhile would be lost.
    const names = Object.keys(row).filter((n) => n !== 'spend' && !this.ids.includes(n));
    const params = [...names.map((n) => row[n] ?? null), ...this.ids.map((id) => String(entity[id]))];
    await db.run(
      `UPDATE ${this.table} SET ${names.map((n, i) => `${n} = $${i + 1}`).join(', ')} WHERE ${this.#idWhere(names.length + 1)}`,
      params,
    );
  }

  async delete(db: SqlDb, ...id: string[]): Promise<boolean> {
    return (await db.run(`DELETE FROM ${this.table} WHERE ${this.#idWhere(1)}`, id)) > 0;
  }

  async addSpend(db: SqlDb, amount: number, ...id: string[]): Promise<void> {
    await db.run(`UPDATE ${this.table} SET spend = spend + $1 WHERE ${this.#idWhere(2)}`, [amount, ...id]);
  }

  /**
   * Starts a new budget period when the current one is over: spend back to 0, the next reset set. The
   * WHERE on the old reset time makes it happen once however many replicas see it due at once.
   */
  async resetBudget(
    db: SqlDb,
    entity: { budget_reset_at?: unknown },
    nextResetAt: string,
    ...id: string[]
  ): Promise<boolean> {
    const due = entity.budget_reset_at;
    if (typeof due !== 'string') return false;
    const changed = await db.run(
      `UPDATE ${this.table} SET spend = 0, budget_reset_at = $1 WHERE budget_reset_at = $2 AND ${this.#idWhere(3)}`,
      [nextResetAt, due, ...id],
    );
    return changed > 0;
  }

  read(row: SqlRow): Entity {
    const entity: Entity = { ...(parseJson<JsonObject>(row.data) ?? {}) };
    for (const name of [...this.ids, ...this.columns, ...OWN_COLUMNS]) {
      const value = row[name];
      entity[name] = name === 'spend' ? Number(value ?? 0) : (value ?? null);
    }
    return entity;
  }

  #row(entity: Entity): Record<string, SqlValue> {
    const data: JsonObject = {};
    const row: Record<string, SqlValue> = {};
    for (const [name, value] of Object.entries(entity)) {
      if (this.ids.includes(name) || this.columns.includes(name)) row[name] = column(value);
      else if ((OWN_COLUMNS as readonly string[]).includes(name)) {
        if (name !== 'spend' || typeof value === 'number') row[name] = column(value);
      } else if (value !== undefined) data[name] = value;
    }
    row.data = JSON.stringify(data);
    return row;
  }

  #idWhere(first: number): string {
    return this.ids.map((id, i) => `${id} = $${first + i}`).join(' AND ');
  }
}

function column(value: unknown): SqlValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return JSON.stringify(value);
}
