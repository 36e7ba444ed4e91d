/**
 * Writes one page of imported entities into their Tollgate table, in one transaction, by id: a new id
 * is added, a row that differs is overwritten with the imported values (spend included), and a row
 * already as imported is left alone. Running an import twice therefore adds nothing and writes nothing
 * the second time, and says so.
 */
import type { Entity, EntityTable } from '../entity-table.ts';
import type { SqlDb, SqlRow, SqlValue } from '../sql/db.ts';

export interface Written {
  added: number;
  updated: number;
  unchanged: number;
}

export interface Imported {
  entity: Entity;
  /** A key's spend per model, for tg_model_spend. */
  modelSpend?: Record<string, number>;
}

/** The fields every stored row sets: absent from the source, they are cleared rather than kept. */
const OWN = ['spend', 'budget_reset_at'] as const;

export async function writePage(
  db: SqlDb,
  table: EntityTable,
  page: readonly Imported[],
  now: string,
): Promise<Written> {
  const written: Written = { added: 0, updated: 0, unchanged: 0 };
  if (page.length === 0) return written;
  await db.transaction(async (tx) => {
    const existing = await existingRows(tx, table, page);
    const spends = table.table === 'tg_keys' ? await existingModelSpend(tx, page) : new Map();
    for (const { entity, modelSpend } of page) {
      const id = idOf(table, entity);
      const before = existing.get(id);
      const full: Entity = { ...entity };
      for (const name of [...table.columns, ...OWN]) full[name] ??= name === 'spend' ? 0 : null;
      // A source without times (memberships, end users) keeps the first import's.
      full.created_at ??= before?.created_at ?? now;
      full.updated_at ??= now;
      const row = table.rowOf(full);
      const spendChanged = Object.entries(modelSpend ?? {}).some(
        ([model, spend]) => spends.get(`${id}\u0000${model}`) !== spend,
      );
      if (before !== undefined && sameRow(row, before) && !spendChanged) {
        written.unchanged++;
        continue;
      }
      await table.upsert(tx, full);
      for (const [model, spend] of Object.entries(modelSpend ?? {}))
        await tx.run(
          `INSERT INTO tg_model_spend (kind, id, model, spend) VALUES ('key', $1, $2, $3)
           ON CONFLICT (kind, id, model) DO UPDATE SET spend = excluded.spend`,
          [String(full.token), model, spend],
        );
      if (before === undefined) written.added++;
      else written.updated++;
    }
  });
  return written;
}

function idOf(table: EntityTable, entity: Entity | SqlRow): string {
  return table.ids.map((id) => String(entity[id])).join('\u0000');
}

async function existingRows(
  tx: SqlDb,
  table: EntityTable,
  page: readonly Imported[],
): Promise<Map<string, SqlRow>> {
  const params: SqlValue[] = [];
  const matches = page.map(({ entity }) => {
    const parts = table.ids.map((id) => {
      params.push(String(entity[id]));
      return `${id} = $${params.length}`;
    });
    return `(${parts.join(' AND ')})`;
  });
  const rows = await tx.query(`SELECT * FROM ${table.table} WHERE ${matches.join(' OR ')}`, params);
  return new Map(rows.map((row) => [idOf(table, row), row]));
}

async function existingModelSpend(tx: SqlDb, page: readonly Imported[]): Promise<Map<string, number>> {
  const tokens = page
    .filter((p) => Object.keys(p.modelSpend ?? {}).length > 0)
    .map((p) => String(p.entity.token));
  if (tokens.length === 0) return new Map();
  const rows = await tx.query<{ id: string; model: string; spend: number }>(
    `SELECT id, model, spend FROM tg_model_spend WHERE kind = 'key' AND id IN (${tokens.map((_, i) => `$${i + 1}`).join(', ')})`,
    tokens,
  );
  return new Map(rows.map((r) => [`${r.id}\u0000${r.model}`, Number(r.spend)]));
}

/** Whether the stored row already holds what would be written (its update time aside). */
function sameRow(row: Record<string, SqlValue>, stored: SqlRow): boolean {
  for (const [name, value] of Object.entries(row)) {
    if (name === 'updated_at') continue;
    const old = stored[name] ?? null;
    if (typeof value === 'number' || typeof old === 'number') {
      if (value === null || old === null || Number(value) !== Number(old)) return false;
    } else if (value !== old) return false;
  }
  return true;
}
