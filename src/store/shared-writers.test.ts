/**
 * Two writers on one database file, as two `--num_workers` processes have: streams and columns one of
 * them adds are seen by the other, never added twice, and every row lands.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Row } from './columns.ts';
import { openStoreDatabase } from './database.ts';
import { StoreWriter } from './writer.ts';

const row = (i: number, extra: Row = {}): Row => ({
  _timestamp: 1_700_000_000_000_000 + i,
  trace_id: i.toString(16).padStart(32, '0'),
  span_id: i.toString(16).padStart(16, '0'),
  operation_name: 'ChatCompletion',
  ...extra,
});

describe('writers in two processes sharing one file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-shared-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('see each other’s streams and columns', () => {
    const path = join(dir, 'traces.db');
    const dbA = openStoreDatabase(path);
    const dbB = openStoreDatabase(path);
    const a = new StoreWriter(dbA);
    const b = new StoreWriter(dbB);
    a.write('default', 'default', [row(1, { llm_model_name: 'a' })]);
    // B's cache predates the stream A created: it must not create it again.
    b.write('default', 'default', [row(2, { llm_model_name: 'b', only_b: 1 })]);
    a.write('default', 'default', [row(3, { only_b: 2, only_a: true })]);
    b.write('default', 'default', [row(4, { only_a: false })]);
    const streams = dbA.prepare('SELECT COUNT(*) AS n FROM _streams').get() as { n: number };
    assert.equal(streams.n, 1, 'one stream, not one per writer');
    const table = (dbA.prepare('SELECT id FROM _streams').get() as { id: number }).id;
    const rows = dbA
      .prepare(`SELECT llm_model_name, only_b, only_a FROM stream_${table} ORDER BY _timestamp`)
      .all();
    assert.equal(rows.length, 4);
    assert.deepEqual(
      rows.map((r) => [r.llm_model_name, r.only_b, r.only_a]),
      [
        ['a', null, null],
        ['b', 1, null],
        [null, 2, 1],
        [null, null, 0],
      ],
    );
    dbA.close();
    dbB.close();
  });
});
