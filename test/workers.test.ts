/**
 * `--num_workers 2` on the real CLI: two processes share the port, both serve requests, the spans of
 * both land in the one trace store, a worker that dies is replaced, and SIGTERM stops them all cleanly.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cleanEnv, type Server, startCli } from './helpers/process.ts';
import { tempDir } from './helpers/temp-dir.ts';

/** One request on its own connection, so the cluster can hand it to either worker. */
function ask(base: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ model: 'demo', messages: [{ role: 'user', content: 'hi' }] });
    const req = request(
      `${base}/v1/chat/completions`,
      {
        method: 'POST',
        agent: false,
        timeout: 10_000,
        headers: { 'content-type': 'application/json', connection: 'close' },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('no answer within 10 s')));
    req.end(body);
  });
}

async function count(base: string, sql: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}/api/default/_search`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: { sql, start_time: 0, end_time: Date.now() * 1000 + 60e6 } }),
  });
  // Until the first span, the column does not exist yet and the search answers an error.
  return ((await res.json()) as { hits?: Array<Record<string, unknown>> }).hits?.[0] ?? {};
}

/** The worker processes of a primary. */
const workersOf = (pid: number): number[] =>
  execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map(Number);

describe('--num_workers 2', { timeout: 120_000 }, () => {
  let server: Server;
  let pid: number;
  before(async () => {
    const dir = tempDir();
    const env = cleanEnv({ TOLLGATE_TRACE_STORE: join(dir, 'traces.db') });
    server = await startCli(['--num_workers', '2'], { cwd: dir, env });
    pid = server.pid;
    // The banner comes from worker 0 once it listens; wait for the other one as well.
    for (let i = 0; i < 100 && (server.output().match(/Server listening at/g) ?? []).length < 2; i++)
      await new Promise((r) => setTimeout(r, 50));
  });
  after(() => server.stop());

  it('serves from both workers and stores the spans of both in one store', async () => {
    assert.equal(workersOf(pid).length, 2);
    const statuses = await Promise.all(Array.from({ length: 40 }, () => ask(server.url)));
    assert.deepEqual(new Set(statuses), new Set([200]));
    let hit: Record<string, unknown> = {};
    for (let i = 0; i < 50 && hit.n !== 40; i++) {
      hit = await count(
        server.url,
        `SELECT COUNT(*) AS n, COUNT(DISTINCT service_service_instance_id) AS workers FROM "default" WHERE operation_name = 'ChatCompletion'`,
      );
      if (hit.n !== 40) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(hit.n, 40, 'every request has its span, whichever worker served it');
    assert.equal(hit.workers, 2, 'both workers served');
    assert.equal((server.output().match(/is listening on/g) ?? []).length, 1, 'one banner');
  });

  it('replaces a worker that dies, and serves from the replacement', async () => {
    const [victim] = workersOf(pid);
    const listening = () => (server.output().match(/Server listening at/g) ?? []).length;
    process.kill(victim as number, 'SIGKILL');
    // Requests already on their way to the killed process die with it: wait for the replacement.
    for (let i = 0; i < 300 && listening() < 3; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(listening(), 3, 'a third worker started and listens');
    const workers = workersOf(pid);
    assert.equal(workers.length, 2);
    assert.ok(!workers.includes(victim as number));
    for (let i = 0; i < 10; i++) assert.equal(await ask(server.url), 200);
    assert.match(server.output(), /worker \d stopped \(SIGKILL\)/);
  });

  it('stops every worker on SIGTERM and exits 0', async () => {
    const workers = workersOf(pid);
    assert.equal(await server.stop('SIGTERM'), 0);
    for (const w of workers) assert.throws(() => process.kill(w, 0), 'the worker is gone');
  });
});
