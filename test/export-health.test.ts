/**
 * Export health as a user sees it, with the real command: the banner says "exporting" until the first
 * export is answered, a refused export is logged at once with what to fix, and /health/readiness tells
 * the exporter's state while staying healthy (models keep being served when the trace backend is down).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Receiver, startReceiver } from './helpers/openobserve-receiver.ts';
import { cleanEnv, type Server, startCli } from './helpers/process.ts';
import { tempDir } from './helpers/temp-dir.ts';

async function chat(server: Server, content: string): Promise<number> {
  const res = await fetch(`${server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'demo', messages: [{ role: 'user', content }], mock_response: 'ok' }),
  });
  await res.arrayBuffer();
  return res.status;
}

async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Readiness {
  status: string;
  db: string;
  cache: null;
  success_callbacks: string[];
  version: string;
  trace_export: {
    spans_dropped: number;
    targets: Array<{
      target: string;
      state: string;
      last_success: string | null;
      last_error: string | null;
      last_error_at: string | null;
      spans_exported: number;
      spans_failed: number;
    }>;
  };
}

async function readiness(server: Server): Promise<Readiness> {
  const res = await fetch(`${server.url}/health/readiness`);
  assert.equal(res.status, 200);
  return (await res.json()) as Readiness;
}

const count = (text: string, pattern: RegExp) => text.split('\n').filter((line) => pattern.test(line)).length;

describe('an OpenObserve that refuses the token', () => {
  let receiver: Receiver;
  let server: Server;
  before(async () => {
    receiver = await startReceiver();
    receiver.mode = 'unauthorized';
    server = await startCli([], {
      cwd: tempDir(),
      env: cleanEnv({
        TOLLGATE_TRACE_STORE: 'off',
        OPENOBSERVE_URL: receiver.url,
        OPENOBSERVE_ORG: 'acme',
        OPENOBSERVE_AUTH_TOKEN: 'Basic sk-test-wrong-token',
      }),
    });
  });
  after(async () => {
    await server?.stop();
    await receiver?.close();
  });

  it('says "exporting" at start, not "exported", and the readiness state is pending', async () => {
    assert.match(
      server.output(),
      /Traces: exporting to OpenObserve http:\/\/127\.0\.0\.1:\d+\/api\/acme\/v1\/traces \(stream default\) \(not confirmed yet/,
    );
    assert.doesNotMatch(server.output(), /exported to/);
    const ready = await readiness(server);
    assert.equal(ready.status, 'healthy');
    assert.equal(ready.trace_export.targets[0]?.state, 'pending');
  });

  it('logs the 401 at once, naming OPENOBSERVE_AUTH_TOKEN, then not again for every batch', async () => {
    const started = Date.now();
    assert.equal(await chat(server, 'first'), 200);
    const failure =
      /exports to OpenObserve .* fail: .* answered 401 \(Unauthorized Access\): check OPENOBSERVE_AUTH_TOKEN/;
    await until('the failure line', () => failure.test(server.output()));
    assert.ok(Date.now() - started < 5_000, 'logged within seconds, not a minute later');
    for (const n of [1, 2, 3]) {
      assert.equal(await chat(server, `again ${n}`), 200, 'models are still served');
      await new Promise((r) => setTimeout(r, 400));
    }
    await until('three more refused exports', () => receiver.requests.length >= 4);
    assert.equal(count(server.output(), failure), 1, 'one line while the same failure lasts');
    assert.ok(!server.output().includes('sk-test-wrong-token'), 'the token is never logged');
  });

  it('reports the failure in /health/readiness while staying healthy, and the recovery', async () => {
    const failing = await readiness(server);
    assert.equal(failing.status, 'healthy');
    assert.equal(failing.db, 'connected', "LiteLLM's fields are kept (the accounts database)");
    assert.deepEqual(failing.success_callbacks, ['otel']);
    assert.equal(failing.cache, null);
    assert.equal(typeof failing.version, 'string');
    const [target] = failing.trace_export.targets;
    assert.match(target?.target ?? '', /^OpenObserve http:\/\/127\.0\.0\.1:\d+\/api\/acme\/v1\/traces/);
    assert.equal(target?.state, 'failing');
    assert.equal(target?.last_success, null);
    assert.match(target?.last_error ?? '', /401.*OPENOBSERVE_AUTH_TOKEN/);
    assert.ok(target?.last_error_at);
    assert.ok((target?.spans_failed ?? 0) >= 4);
    assert.equal(failing.trace_export.spans_dropped, 0);

    receiver.mode = 'answer';
    assert.equal(await chat(server, 'fixed'), 200);
    await until('the first working export', () => /exports to OpenObserve .* work/.test(server.output()));
    const ok = await readiness(server);
    assert.equal(ok.trace_export.targets[0]?.state, 'ok');
    assert.ok(ok.trace_export.targets[0]?.last_success);
    assert.ok((ok.trace_export.targets[0]?.spans_exported ?? 0) >= 1);
  });
});

describe('an OpenObserve that is not running', () => {
  it('logs the refused connection at once, with the address to check', async () => {
    const server = await startCli([], {
      cwd: tempDir(),
      env: cleanEnv({
        TOLLGATE_TRACE_STORE: 'off',
        // Nothing listens on port 9.
        OPENOBSERVE_URL: 'http://127.0.0.1:9/',
        OPENOBSERVE_TIMEOUT: '2',
      }),
    });
    try {
      assert.equal(await chat(server, 'x'), 200);
      await until('the failure line', () =>
        /fail: http:\/\/127\.0\.0\.1:9 refused the connection: is OpenObserve running at http:\/\/127\.0\.0\.1:9\?/.test(
          server.output(),
        ),
      );
      const ready = await readiness(server);
      assert.equal(ready.status, 'healthy');
      assert.equal(ready.trace_export.targets[0]?.state, 'failing');
    } finally {
      await server.stop();
    }
  });
});

describe('without any exporter', () => {
  it('readiness has no trace_export', async () => {
    const server = await startCli([], { cwd: tempDir() });
    try {
      const ready = await readiness(server);
      assert.equal(ready.status, 'healthy');
      assert.equal('trace_export' in ready, false);
    } finally {
      await server.stop();
    }
  });
});
