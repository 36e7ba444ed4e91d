/**
 * With --num_workers every worker opens alerts.db at start: workers that do so at the same moment must
 * all come up (one migrates, the others wait for it), never fail with "table rules already exists".
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { join } from 'node:path';
import { it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { tempDir } from './helpers/temp-dir.ts';

const MODULE = new URL('../src/alerts/alert-db.ts', import.meta.url).href;

it('lets workers that open a new alerts.db at once all start', async () => {
  for (let round = 0; round < 5; round++) {
    const store = join(tempDir(), 'traces.db');
    const workers = Array.from(
      { length: 6 },
      () =>
        new Worker(
          `import(${JSON.stringify(MODULE)}).then((m) => { new m.AlertDb(${JSON.stringify(store)}).close(); })`,
          { eval: true },
        ),
    );
    const errors: string[] = [];
    for (const w of workers) w.on('error', (err) => errors.push(err.message));
    await Promise.all(workers.map((w) => once(w, 'exit')));
    assert.deepEqual(errors, []);
  }
});
