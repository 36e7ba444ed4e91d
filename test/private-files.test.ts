/**
 * The trace store and the alerts database hold prompts, answers and webhook secrets: their files are
 * created readable by their owner only (issue 14, point 10), and older ones are tightened.
 */
import assert from 'node:assert/strict';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { AlertDb } from '../src/alerts/alert-db.ts';
import { openStoreDatabase } from '../src/store/database.ts';
import { tempDir } from './helpers/temp-dir.ts';

it('creates traces.db and alerts.db 0600, and tightens files created 0644', () => {
  const dir = tempDir();
  const traces = join(dir, 'data', 'traces.db');
  openStoreDatabase(traces).close();
  new AlertDb(traces).close();
  assert.equal(statSync(traces).mode & 0o777, 0o600);
  assert.equal(statSync(join(dir, 'data', 'alerts.db')).mode & 0o777, 0o600);
  const older = join(dir, 'old.db');
  writeFileSync(older, '', { mode: 0o644 });
  openStoreDatabase(older).close();
  assert.equal(statSync(older).mode & 0o777, 0o600);
});
