/**
 * The quick start (docs/openobserve-quickstart.md and examples/openobserve-quickstart.ts) as a user runs
 * it against a real Tollgate whose `.env`-style OPENOBSERVE_URL points at the gateway itself: one trace
 * holds the client's `OpenAI Chat Completions` span, the gateway's `ChatCompletion` span under it and the
 * attempt span under that, with equal token counts; and every command and query of the page works.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { cleanEnv, type Server, startCli } from './helpers/process.ts';
import { tempDir } from './helpers/temp-dir.ts';

const EXAMPLE = fileURLToPath(new URL('../examples/openobserve-quickstart.ts', import.meta.url));
const DOC = readFileSync(new URL('../docs/openobserve-quickstart.md', import.meta.url), 'utf8');

type Hit = Record<string, unknown>;

/** The fenced blocks of a language in the page, dedented. */
const blocks = (lang: string): string[] =>
  [...DOC.matchAll(new RegExp(`^( *)\`\`\`${lang}\\n([\\s\\S]*?)^\\1\`\`\``, 'gm'))].map((m) =>
    (m[2] ?? '').replace(new RegExp(`^${m[1]}`, 'gm'), ''),
  );

async function search(server: Server, sql: string): Promise<{ status: number; hits: Hit[] }> {
  const res = await fetch(`${server.url}/api/default/_search?type=traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: { sql, start_time: 0, end_time: Date.now() * 1000 + 60e6 } }),
  });
  const body = (await res.json()) as { hits?: Hit[] };
  return { status: res.status, hits: body.hits ?? [] };
}

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const port = (probe.address() as { port: number }).port;
  probe.close();
  return port;
}

describe('the quick start against a local Tollgate', () => {
  let server: Server;
  let port: number;
  let spans: Hit[] = [];
  let stdout = '';
  const cwd = tempDir({
    'config.yaml':
      'model_list:\n  - model_name: demo\n    litellm_params: { model: mock/demo }\n' +
      '  - model_name: broken\n    litellm_params: { model: openai/x, api_base: "http://127.0.0.1:9/v1", api_key: sk-test-x }\n' +
      'router_settings:\n  fallbacks: [{ broken: [demo] }]\n',
  });

  before(async () => {
    port = await freePort();
    // The page's second .env, read by the gateway too: OPENOBSERVE_URL is the gateway itself.
    const env = cleanEnv({ OPENOBSERVE_URL: `http://localhost:${port}`, OPENOBSERVE_ORG: 'default' });
    // No TOLLGATE_TRACE_STORE: the store must come on by itself (in cwd/.tollgate), as for a user.
    delete env.TOLLGATE_TRACE_STORE;
    server = await startCli(['--config', 'config.yaml', '--port', String(port)], { cwd, env });

    const child = spawn(process.execPath, [EXAMPLE], {
      cwd: tempDir(),
      env: {
        PATH: process.env.PATH,
        OPENOBSERVE_URL: `http://localhost:${port}`,
        LITELLM_PROXY_URL: server.url,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0, stderr);
    for (let i = 0; i < 50 && spans.length < 3; i++) {
      spans = (await search(server, 'SELECT * FROM "default"')).hits;
      if (spans.length < 3) await new Promise((r) => setTimeout(r, 100));
    }
  });
  after(() => server.stop());

  it('makes one trace: client span → gateway span → attempt span, with the same token counts', () => {
    assert.match(stdout, /distributed tracing/i, 'the answer is printed');
    assert.match(server.output(), /is this gateway: its spans go straight to its trace store/);
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
      // Attribute values are strings, as OpenObserve returns them.
      assert.ok(typeof client[column] === 'string' && Number(client[column]) > 0, column);
      assert.equal(client[column], gateway[column], column);
    }
  });

  it('shows the example as it is in examples/', () => {
    const code = readFileSync(EXAMPLE, 'utf8').replace(/^\/\*\*[\s\S]*?\*\/\n/, '');
    assert.equal(blocks('ts')[0], code);
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    assert.equal(pkg.scripts.example, 'node examples/openobserve-quickstart.ts', 'npm run example');
  });

  it('has every captured column of its table on the gateway span', () => {
    const gateway = spans.find((s) => s.operation_name === 'ChatCompletion') ?? {};
    const table = DOC.slice(DOC.indexOf('## What gets captured'), DOC.indexOf('## Viewing traces'));
    const rows = [...table.matchAll(/^\| `([a-z_]+)` +\| (.*) \|$/gm)];
    assert.ok(rows.length >= 15);
    for (const [, column, value] of rows) {
      if (/\bwhen\b/.test(value ?? '')) continue; // only when the upstream reports it
      assert.ok(gateway[column as string] !== undefined, `${column} is on the span`);
    }
  });

  it('runs every query and command of the page', async () => {
    // A request that a fallback answers, so the fallback query has something to find.
    const fallback = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'broken', messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(fallback.status, 200);
    await new Promise((r) => setTimeout(r, 300));
    const queries = blocks('sql');
    assert.ok(queries.length >= 4);
    for (const sql of queries) {
      const { status, hits } = await search(server, sql.trim());
      assert.equal(status, 200, sql);
      assert.ok(hits.length > 0, `no hits for: ${sql}`);
    }
    const rule = blocks('json')[0] ?? '';
    writeFileSync(join(cwd, 'rule.json'), rule);
    for (const command of blocks('sh').filter((c) => c.startsWith('curl '))) {
      const { stdout: out } = await promisify(execFile)(
        'sh',
        ['-c', command.replaceAll('localhost:4000', `127.0.0.1:${port}`)],
        { cwd },
      );
      assert.doesNotMatch(out, /"code":\s*[45]\d\d|"error"/, `${command}\n→ ${out}`);
      assert.ok(out.trim().startsWith('{'), out);
    }
    const rules = (await (await fetch(`${server.url}/api/v2/default/alerts`)).json()) as {
      list: Array<{ name: string }>;
    };
    assert.deepEqual(
      rules.list.map((r) => r.name),
      ['error-rate'],
    );
  });
});
