/**
 * The store on disk as `tollgate` runs it: a file under the working directory, announced at start-up,
 * that survives the process being killed mid-ingest (at most the batch in flight is lost) and opens
 * cleanly again.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, it } from 'node:test';
import { cleanEnv, startCli } from './helpers/process.ts';
import { tempDir } from './helpers/temp-dir.ts';

const BATCH = 200;

function batch(n: number, label: string): string {
  const now = BigInt(Date.now()) * 1_000_000n;
  const hex = (bytes: number) => Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('hex');
  const spans = Array.from({ length: n }, (_, i) => ({
    traceId: hex(16),
    spanId: hex(8),
    name: 'crash-test',
    kind: 2,
    startTimeUnixNano: `${now}`,
    endTimeUnixNano: `${now + 1000n}`,
    attributes: [
      { key: 'batch', value: { stringValue: label } },
      { key: 'i', value: { intValue: String(i) } },
      { key: 'payload', value: { stringValue: 'x'.repeat(200) } },
    ],
  }));
  return JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans }] }] });
}

function countRows(path: string): { rows: number; integrity: string; perBatch: number[] } {
  const db = new DatabaseSync(path);
  try {
    const integrity = (db.prepare('PRAGMA integrity_check').get() as { integrity_check: string })
      .integrity_check;
    const rows = db
      .prepare("SELECT count(*) AS n FROM stream_1 WHERE operation_name = 'crash-test'")
      .get() as { n: number };
    const perBatch = (
      db.prepare('SELECT count(*) AS n FROM stream_1 GROUP BY batch').all() as Array<{ n: number }>
    ).map((r) => r.n);
    return { rows: rows.n, integrity, perBatch };
  } finally {
    db.close();
  }
}

describe('the trace store file', () => {
  it('is created under the working directory by default and announced at start-up', async () => {
    const dir = tempDir();
    const server = await startCli([], { cwd: dir, env: cleanEnv({ TOLLGATE_TRACE_STORE: '' }) });
    try {
      assert.match(server.output(), /Traces: stored in \.tollgate\/traces\.db/);
      assert.match(server.output(), new RegExp(`See them at ${server.url}/ui/`));
      assert.match(server.output(), new RegExp(`OPENOBSERVE_URL=${server.url}/`));
      assert.match(server.output(), /OPENOBSERVE_ORG=default/);
      assert.ok(existsSync(join(dir, '.tollgate', 'traces.db')));
    } finally {
      await server.stop();
    }
  });

  it('loses at most the batch in flight when the process is killed mid-ingest, and reopens cleanly', async () => {
    const dir = tempDir();
    const env = cleanEnv({ TOLLGATE_TRACE_STORE: 'spans.db' });
    const server = await startCli([], { cwd: dir, env });
    let acknowledged = 0;
    let sent = 0;
    let stop = false;
    const sender = async (id: number) => {
      for (let n = 0; !stop; n++) {
        sent++;
        try {
          const response = await fetch(`${server.url}/api/default/v1/traces`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: batch(BATCH, `${id}-${n}`),
          });
          if (response.status === 200) acknowledged++;
        } catch {
          return; // the process is gone
        }
      }
    };
    const senders = [sender(1), sender(2)];
    await new Promise((r) => setTimeout(r, 1500));
    await server.stop('SIGKILL');
    stop = true;
    await Promise.all(senders);
    assert.ok(acknowledged > 2, `some batches were stored before the kill (${acknowledged})`);

    const { rows, integrity, perBatch } = countRows(join(dir, 'spans.db'));
    assert.equal(integrity, 'ok');
    assert.ok(
      rows >= acknowledged * BATCH,
      `every acknowledged batch is there (${rows} rows, ${acknowledged} acked)`,
    );
    assert.ok(rows <= sent * BATCH);
    assert.ok(
      perBatch.every((n) => n === BATCH),
      'no batch is stored in part',
    );

    const again = await startCli([], { cwd: dir, env });
    try {
      const response = await fetch(`${again.url}/api/default/_search?type=traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: {
            sql: `SELECT count(*) AS n FROM "default" WHERE operation_name = 'crash-test'`,
            start_time: 0,
            end_time: 2 ** 60,
          },
        }),
      });
      assert.equal(response.status, 200);
      const body = (await response.json()) as { hits: Array<{ n: number }> };
      assert.equal(body.hits[0]?.n, rows);
    } finally {
      await again.stop();
    }
  });
});
