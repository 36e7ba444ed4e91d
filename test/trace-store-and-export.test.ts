/**
 * `--trace_store` beside an exporter ("both"): spans go to OpenObserve and into the embedded store, the
 * banner says both, and the UI and the store's API read the local store (the receiver here has no
 * search API: a forwarded search would fail).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Receiver, startReceiver } from './helpers/openobserve-receiver.ts';
import { cleanEnv, type Server, startCli } from './helpers/process.ts';
import { tempDir } from './helpers/temp-dir.ts';

describe('--trace_store beside an OpenObserve exporter', () => {
  let receiver: Receiver;
  let server: Server;
  before(async () => {
    receiver = await startReceiver();
    server = await startCli(['--trace_store', ':memory:'], {
      cwd: tempDir(),
      env: cleanEnv({ TOLLGATE_TRACE_STORE: 'off', OPENOBSERVE_URL: receiver.url }),
    });
  });
  after(async () => {
    await server?.stop();
    await receiver?.close();
  });

  it('sends each span to both, and the UI and API read the local store', async () => {
    assert.match(
      server.output(),
      /Traces: exporting to OpenObserve http:\/\/127\.0\.0\.1:\d+\/api\/default\/v1\/traces/,
    );
    assert.match(
      server.output(),
      /Traces: stored in memory \(lost at exit\).*See them at http:\/\/127\.0\.0\.1:\d+\/ui\//,
    );
    const res = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'demo', messages: [{ role: 'user', content: 'both-ways' }] }),
    });
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    const exported = await receiver.waitFor((r) => r.operation_name === 'ChatCompletion');

    const deadline = Date.now() + 10_000;
    let hits: Array<{ trace_id: string }> = [];
    while (hits.length === 0) {
      if (Date.now() > deadline) throw new Error('the span did not reach the local store');
      const latest = await fetch(
        `${server.url}/api/default/default/traces/latest?start_time=1&end_time=${(Date.now() + 60_000) * 1000}`,
      );
      assert.equal(latest.status, 200);
      assert.equal(latest.headers.get('x-tollgate-source'), null, 'answered here, not forwarded');
      hits = ((await latest.json()) as { hits: Array<{ trace_id: string }> }).hits;
      if (hits.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(hits[0]?.trace_id, exported.trace_id, 'the same trace in both');
    const ui = await fetch(`${server.url}/ui/`);
    assert.equal(ui.status, 200);
    assert.match(ui.headers.get('content-type') ?? '', /text\/html/);
  });
});

describe('an OTLP backend only', () => {
  it('has no UI to show, and /ui/ says how to get one', async () => {
    const server = await startCli([], {
      cwd: tempDir(),
      env: cleanEnv({ TOLLGATE_TRACE_STORE: 'off', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' }),
    });
    try {
      const ui = await fetch(`${server.url}/ui/`);
      assert.equal(ui.status, 404);
      assert.match(await ui.text(), /Set OPENOBSERVE_URL, or start with --trace_store <file>/);
    } finally {
      await server.stop();
    }
  });
});
