/**
 * `openobserveInit()` (tollgate/openobserve) in a real child process against a real receiver: the
 * OpenObserve path and headers, a URL with and without a trailing slash, OPENOBSERVE_ENABLED=false, the
 * flush when the app ends, traceparent on outgoing requests, and a receiver that is down or hanging
 * neither breaks the app nor holds it.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Receiver, startReceiver } from './helpers/openobserve-receiver.ts';
import { tempDir } from './helpers/temp-dir.ts';

const APP = fileURLToPath(new URL('./fixtures/sdk-app.ts', import.meta.url));

interface Run {
  code: number | null;
  ms: number;
  out: { workMs: number; enabled: boolean; endpoint: string };
  stderr: string;
}

/** Runs the app to its natural end, in a directory without a .env unless one is given. */
async function runApp(env: Record<string, string>, plan: object = {}, cwd = tempDir()): Promise<Run> {
  const started = performance.now();
  const child = spawn(process.execPath, [APP, JSON.stringify(plan)], {
    cwd,
    env: { PATH: process.env.PATH, ...env },
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
  const line = stdout.trim().split('\n').at(-1) ?? '{}';
  return { code, ms: performance.now() - started, out: JSON.parse(line), stderr };
}

describe('openobserveInit against a receiver', () => {
  let receiver: Receiver;
  before(async () => {
    receiver = await startReceiver();
  });
  after(() => receiver.close());

  it('sends to {url}/api/{org}/v1/traces with Authorization and stream-name, flushing when the app ends', async () => {
    const before = receiver.requests.length;
    const run = await runApp({
      OPENOBSERVE_URL: receiver.url, // with the seed's trailing slash
      OPENOBSERVE_ORG: 'acme',
      OPENOBSERVE_AUTH_TOKEN: 'Basic dGVzdEBleGFtcGxlLmNvbTpzay10ZXN0',
      OPENOBSERVE_TRACES_STREAM_NAME: 'llm',
      OTEL_SERVICE_NAME: 'my-app',
    });
    assert.equal(run.code, 0, run.stderr);
    const sent = receiver.requests.slice(before);
    assert.equal(sent.length, 1, 'one export, at exit (the batch delay had not passed)');
    assert.equal(sent[0]?.path, '/api/acme/v1/traces');
    assert.equal(sent[0]?.headers.authorization, 'Basic dGVzdEBleGFtcGxlLmNvbTpzay10ZXN0');
    assert.equal(sent[0]?.headers['stream-name'], 'llm');
    assert.equal(sent[0]?.headers['content-type'], 'application/x-protobuf');
    const row = await receiver.waitFor((r) => r.operation_name === 'work 0');
    assert.equal(row.service_name, 'my-app');
    assert.ok(run.ms < 5000, `the app ended in ${Math.round(run.ms)} ms, not after the 5 s batch delay`);
  });

  it('reaches the same path without the trailing slash, and takes options over the environment', async () => {
    const before = receiver.requests.length;
    const run = await runApp(
      { OPENOBSERVE_URL: 'http://127.0.0.1:9/', OPENOBSERVE_ORG: 'ignored' },
      { options: { url: receiver.url.replace(/\/$/, ''), org: 'acme', serviceName: 'opts-app' } },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.equal(receiver.requests.at(-1)?.path, '/api/acme/v1/traces');
    assert.equal(receiver.requests.length, before + 1);
    assert.equal(run.out.endpoint, `${receiver.url}api/acme/v1/traces`);
  });

  it('reads OPENOBSERVE_* from a .env file; the environment wins over it', async () => {
    const cwd = tempDir({
      '.env': `OPENOBSERVE_URL=${receiver.url}\nOPENOBSERVE_ORG=from-dotenv\nOPENOBSERVE_TRACES_STREAM_NAME=dotenv\n`,
    });
    const run = await runApp({ OPENOBSERVE_TRACES_STREAM_NAME: 'from-env' }, {}, cwd);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(receiver.requests.at(-1)?.path, '/api/from-dotenv/v1/traces');
    assert.equal(receiver.requests.at(-1)?.headers['stream-name'], 'from-env');
  });

  it('sends nothing with OPENOBSERVE_ENABLED=false, and the app runs as usual', async () => {
    const before = receiver.requests.length;
    const run = await runApp({ OPENOBSERVE_URL: receiver.url, OPENOBSERVE_ENABLED: 'false' }, { spans: 3 });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.out.enabled, false);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(receiver.requests.length, before);
  });

  it('flushes on request (openobserveFlush) as well as at exit', async () => {
    const before = receiver.requests.length;
    const run = await runApp({ OPENOBSERVE_URL: receiver.url }, { spans: 2, flush: true });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(receiver.requests.length > before);
  });
});

describe('trace context on outgoing requests', () => {
  let receiver: Receiver;
  let seen: IncomingHttpHeaders[];
  let server: ReturnType<typeof createServer>;
  let url: string;
  before(async () => {
    receiver = await startReceiver();
    seen = [];
    server = createServer((req, res) => {
      seen.push(req.headers);
      res.end('ok');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(async () => {
    server.close();
    await receiver.close();
  });

  it('adds the active span as traceparent to fetch and node:http requests', async () => {
    const run = await runApp({ OPENOBSERVE_URL: receiver.url }, { fetchUrl: url, httpUrl: url });
    assert.equal(run.code, 0, run.stderr);
    const row = await receiver.waitFor((r) => r.operation_name === 'work 0');
    assert.equal(seen.length, 2);
    for (const headers of seen) {
      const [, traceId, parentId] =
        /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(String(headers.traceparent)) ?? [];
      assert.equal(traceId, row.trace_id, 'the same trace');
      assert.equal(parentId, row.span_id, 'the app span is the parent, no HTTP span in between');
    }
  });
});

describe('a receiver that is down or hanging', () => {
  it('down: the app does its work at full speed and exits cleanly', async () => {
    const run = await runApp({ OPENOBSERVE_URL: 'http://127.0.0.1:9' }, { spans: 200 });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.out.workMs < 1000, `work took ${run.out.workMs} ms`);
    assert.ok(run.ms < 8000, `exit after ${Math.round(run.ms)} ms`);
    assert.match(
      run.stderr,
      /openobserve: the last spans could not be sent to http:\/\/127\.0\.0\.1:9\/api\/default\/v1\/traces/,
    );
  });

  it('hanging: the exit waits no longer than OPENOBSERVE_TIMEOUT', async () => {
    const receiver = await startReceiver();
    receiver.mode = 'hang';
    try {
      const run = await runApp({ OPENOBSERVE_URL: receiver.url, OPENOBSERVE_TIMEOUT: '1' }, { spans: 5 });
      assert.equal(run.code, 0, run.stderr);
      assert.ok(run.out.workMs < 1000, `work took ${run.out.workMs} ms`);
      assert.ok(run.ms < 6000, `exit after ${Math.round(run.ms)} ms`);
      assert.equal(receiver.requests.length, 1, 'the export was tried');
    } finally {
      await receiver.close();
    }
  });
});
