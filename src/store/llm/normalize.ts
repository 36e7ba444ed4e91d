/**
 * The token and cost columns have one type whatever the sender wrote (OpenObserve's
 * `normalize_llm_field_types`, run on every span): token counts are integers, costs and time to first
 * chunk are floats; text that is no number becomes 0, `true` 1.
 */
import type { Cell, Row } from '../columns.ts';
import { GEN_AI_FLOATS, GEN_AI_INTEGERS } from '../openobserve-values.ts';

// The same columns OpenObserve answers as numbers (openobserve-values.ts): typed here at ingest.
const INTEGERS = GEN_AI_INTEGERS;
const FLOATS = GEN_AI_FLOATS;

export function normalizeLlmColumns(row: Row): void {
  for (const column of INTEGERS) {
    const value = row[column];
    if (
      value !== undefined &&
      !(typeof value === 'number' && Number.isInteger(value)) &&
      typeof value !== 'bigint'
    )
      row[column] = integer(value);
  }
  for (const column of FLOATS) {
    const value = row[column];
    if (value !== undefined && typeof value !== 'number') row[column] = float(value);
  }
}

function integer(value: Cell): number {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : 0;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && /^[+-]?\d+$/.test(value)) return Number(value);
  return 0;
}

function float(value: Cell): number {
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  const n = typeof value === 'string' && value.trim() === value && value !== '' ? Number(value) : Number.NaN;
  return Number.isNaN(n) ? 0 : n;
}
