/**
 * Workers that switch one new database file to WAL at the same instant (--num_workers at start) all
 * get a WAL database: SQLite answers the losers of that race "database is locked" without waiting, and
 * enterWal tries again. The workers start together behind a barrier, so the race happens every round.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { join } from 'node:path';
import { it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { tempDir } from './helpers/temp-dir.ts';

const MODULE = new URL('../src/shared/sqlite-wal.ts', import.meta.url).href;
const WORKERS = 4;

const WORKER = `
const { DatabaseSync } = require('node:sqlite');
const { workerData, parentPort } = require('node:worker_threads');
import(workerData.module).then(({ enterWal }) => {
const gate = new Int32Array(workerData.gate);
Atomics.add(gate, 1, 1);
Atomics.wait(gate, 0, 0);
const db = new DatabaseSync(workerData.path, { timeout: 5000 });
enterWal(db);
parentPort.postMessage(db.prepare('PRAGMA journal_mode').get().journal_mode);
db.close();
});
`;

it('switches a new file to WAL from workers that all do it at once', async () => {
  for (let round = 0; round < 8; round++) {
    const path = join(tempDir(), 'race.db');
    const gate = new SharedArrayBuffer(8);
    const counts = new Int32Array(gate);
    const workers = Array.from(
      { length: WORKERS },
      () => new Worker(WORKER, { eval: true, workerData: { module: MODULE, path, gate } }),
    );
    const errors: string[] = [];
    const modes: string[] = [];
    for (const w of workers) {
      w.on('error', (err) => errors.push(err.message));
      w.on('message', (mode: string) => modes.push(mode));
    }
    while (Atomics.load(counts, 1) < WORKERS) await new Promise((r) => setTimeout(r, 1));
    Atomics.store(counts, 0, 1);
    Atomics.notify(counts, 0);
    await Promise.all(workers.map((w) => once(w, 'exit')));
    assert.deepEqual(errors, []);
    assert.deepEqual(modes, Array(WORKERS).fill('wal'));
  }
});
