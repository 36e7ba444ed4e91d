/**
 * The quick-start example (examples/openobserve-quickstart.ts), run as a user runs it against a real
 * Tollgate with its embedded store: one trace holds the client's `OpenAI Chat Completions` span, the
 * gateway's `ChatCompletion` span under it and the attempt span under that, and the client span's token
 * counts equal the gateway's.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cleanEnv, type Server, startCli } from './helpers/process.ts';
import { tempDir } from './helpers/temp-dir.ts';

const EXAMPLE = fileURLToPath(new URL('../examples/openobserve-quickstart.ts', import.meta.url));

type Hit = Record<string, unknown>;

async function search(server: Server, sql: string): Promise<Hit[]> {
  const res = await fetch(`${server.url}/api/default/_search?type=traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: { sql, start_time: 0, end_time: Date.now() * 1000 + 60e6 } }),
  });
  return ((await res.json()) as { hits: Hit[] }).hits;
}

describe('the quick-start example against a local Tollgate', () => {
  let server: Server;
  before(async () => {
    server = await startCli([], { cwd: tempDir(), env: cleanEnv() });
  });
  after(() => server.stop());

  it('makes one trace: client span → gateway span → attempt span, with the same token counts', async () => {
    const child = spawn(process.execPath, [EXAMPLE], {
      cwd: tempDir(),
      env: { PATH: process.env.PATH, OPENOBSERVE_URL: `${server.url}/`, LITELLM_PROXY_URL: server.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0, stderr);
    assert.match(stdout, /distributed tracing/i, 'the answer is printed');

    let spans: Hit[] = [];
    for (let i = 0; i < 50 && spans.length < 3; i++) {
      spans = await search(server, 'SELECT * FROM "default"');
      if (spans.length < 3) await new Promise((r) => setTimeout(r, 100));
    }
    const client = spans.find((s) => s.operation_name === 'OpenAI Chat Completions');
    const gateway = spans.find((s) => s.operation_name === 'ChatCompletion');
    const attempt = spans.find((s) => String(s.operation_name).startsWith('upstream '));
    assert.ok(client && gateway && attempt, JSON.stringify(spans.map((s) => s.operation_name)));
    assert.equal(new Set(spans.map((s) => s.trace_id)).size, 1, 'one trace');
    assert.equal(client.reference_parent_span_id ?? '', '', 'the client span is the root');
    assert.equal(gateway.reference_parent_span_id, client.span_id);
    assert.equal(attempt.reference_parent_span_id, gateway.span_id);
    assert.equal(client.service_name, 'openobserve-quickstart');
    assert.equal(gateway.service_name, 'tollgate');
    for (const column of ['llm_token_count_prompt', 'llm_token_count_completion', 'llm_token_count_total']) {
      assert.ok(typeof client[column] === 'number' && client[column] > 0, column);
      assert.equal(client[column], gateway[column], column);
    }
  });
});
