/**
 * Slow clients: ones that trickle their headers or body in a byte at a time, ones that open a
 * connection and send nothing, and a streaming one that stops reading. With a short client timeout
 * (TOLLGATE_CLIENT_TIMEOUT, here 1 s) the server closes each such connection itself, soon after the
 * timeout (aborting the stalled stream's upstream call), while it keeps serving others.
 */
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { deployment, type RunningGateway, startGateway, testConfig } from './helpers/gateway-server.ts';
import { type MockUpstream, startMockUpstream } from './helpers/mock-upstream.ts';

const TIMEOUT_MS = 1_000;
/** The server checks its connections a few times per timeout, so it closes them a little late. */
const SLACK_MS = 1_500;

const BODY = JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'x' }] });
const HEAD = [
  'POST /v1/chat/completions HTTP/1.1',
  'host: localhost',
  'content-type: application/json',
  `content-length: ${Buffer.byteLength(BODY)}`,
  '',
  '',
].join('\r\n');

interface Slow {
  socket: Socket;
  /** Resolves when the server closes the connection: ms since it opened, and what the server sent. */
  closed: Promise<{ afterMs: number; reply: string }>;
  /** Bytes the client managed to send before the server closed. */
  sent: () => number;
}

/** A client that sends `prefix` at once, then the rest of `text` a byte every `everyMs` (never, when 0). */
function slowClient(port: number, text: string, prefix: number, everyMs: number): Slow {
  const socket = connect(port, '127.0.0.1');
  const opened = Date.now();
  let sent = 0;
  let reply = '';
  socket.on('data', (d: Buffer) => {
    reply += d.toString();
  });
  socket.on('error', () => {});
  let timer: NodeJS.Timeout | undefined;
  socket.on('connect', () => {
    if (prefix > 0) socket.write(text.slice(0, prefix));
    sent = prefix;
    if (everyMs > 0)
      timer = setInterval(() => {
        if (sent < text.length && !socket.destroyed) socket.write(text[sent++] ?? '');
      }, everyMs);
  });
  const closed = new Promise<{ afterMs: number; reply: string }>((resolve) => {
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ afterMs: Date.now() - opened, reply });
    });
  });
  return { socket, closed, sent: () => sent };
}

describe('slow clients', { timeout: 20_000 }, () => {
  let upstream: MockUpstream;
  let gateway: RunningGateway;
  let port: number;

  before(async () => {
    upstream = await startMockUpstream();
    gateway = await startGateway(
      testConfig({
        clientTimeoutMs: TIMEOUT_MS,
        deployments: [deployment({ modelName: 'gpt-test', model: 'm', apiBase: upstream.url })],
      }),
    );
    port = Number(new URL(gateway.url).port);
  });
  after(async () => {
    await gateway.close();
    await upstream.close();
  });

  /** A normal client, on a connection of its own that it closes after the answer. */
  const ask = () =>
    new Promise<number>((resolve, reject) => {
      const req = request(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json' },
      });
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(BODY);
    });

  it('closes connections that trickle the body, trickle the headers, or send nothing', async () => {
    const request = HEAD + BODY;
    const clients = {
      // Headers complete, then the body a byte every 200 ms: it would take ~15 s to finish.
      body: Array.from({ length: 20 }, () => slowClient(port, request, HEAD.length + 1, 200)),
      // The request line, then the headers a byte every 200 ms.
      headers: Array.from({ length: 20 }, () => slowClient(port, request, 20, 200)),
      // Headers promised a body that never comes.
      stalled: Array.from({ length: 20 }, () => slowClient(port, request, HEAD.length, 0)),
      // Connects and sends nothing at all.
      silent: Array.from({ length: 20 }, () => slowClient(port, request, 0, 0)),
    };
    // Meanwhile, others are served as usual and quickly.
    await sleep(200);
    for (let i = 0; i < 5; i++) {
      const started = Date.now();
      assert.equal(await ask(), 200);
      assert.ok(Date.now() - started < 500, 'a normal request is not held up by slow ones');
      await sleep(100);
    }
    for (const [kind, list] of Object.entries(clients)) {
      const results = await Promise.all(list.map((c) => c.closed));
      for (const [i, { afterMs, reply }] of results.entries()) {
        assert.ok(
          afterMs >= TIMEOUT_MS - 100 && afterMs <= TIMEOUT_MS + SLACK_MS,
          `${kind} client closed after ${afterMs} ms`,
        );
        // A client that sent part of a request hears why; one that sent nothing is simply closed.
        if (kind !== 'silent') assert.match(reply, /^HTTP\/1\.1 408 /, `${kind} got: ${reply}`);
        assert.ok((list[i]?.sent() ?? 0) < request.length, `${kind} client did not finish`);
      }
    }
    await sleep(50);
    assert.equal(await gateway.connections(), 0, 'the gateway holds no connection of theirs');
    assert.equal(upstream.counts.received, 5, 'nothing unfinished reached the upstream');
    assert.equal(await ask(), 200);
  });

  it('cuts off a streaming client that stops reading, and aborts its upstream call', async () => {
    // ~16 MB of stream, sent at once: far more than the socket buffers between gateway and client.
    upstream.queue({ chunks: Array.from({ length: 1000 }, () => 'x'.repeat(16 * 1024)) });
    const aborted = upstream.nextAbort();
    const started = Date.now();
    const req = request(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json' },
    });
    req.on('response', (res) => res.pause()); // and never reads again
    req.on('error', () => {});
    req.end(JSON.stringify({ ...JSON.parse(BODY), stream: true }));
    try {
      assert.equal((await aborted).aborted, true, 'the upstream call was aborted');
      // A paused client does not see the close itself: the gateway's count shows it.
      while ((await gateway.connections()) > 0) await sleep(20);
      const closedAfterMs = Date.now() - started;
      // The buffers fill first (a moment), then the stall runs for the timeout.
      assert.ok(closedAfterMs < 4 * TIMEOUT_MS + SLACK_MS, `closed after ${closedAfterMs} ms`);
    } finally {
      req.destroy();
    }
    assert.equal(upstream.counts.open, 0);
  });
});

describe('the client timeout', { timeout: 20_000 }, () => {
  it('limits how long a request takes to arrive, not how long its answer takes', async () => {
    const upstream = await startMockUpstream();
    const gateway = await startGateway(
      testConfig({
        clientTimeoutMs: TIMEOUT_MS,
        deployments: [deployment({ modelName: 'gpt-test', model: 'm', apiBase: upstream.url })],
      }),
    );
    try {
      upstream.queue({ delayMs: 2 * TIMEOUT_MS }, { chunks: ['a', 'b', 'c'], chunkDelayMs: 400 });
      const client = gateway.client();
      const slowJson = await client.chat.completions.create({
        model: 'gpt-test',
        messages: [{ role: 'user', content: 'x' }],
      });
      assert.match(slowJson.choices[0]?.message.content ?? '', /mock upstream/);
      const stream = await client.chat.completions.create({
        model: 'gpt-test',
        messages: [{ role: 'user', content: 'x' }],
        stream: true,
      });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      assert.equal(text, 'abc');
    } finally {
      await gateway.close();
      await upstream.close();
    }
  });

  it('leaves idle keep-alive connections to the keep-alive timeout', async () => {
    const upstream = await startMockUpstream();
    const gateway = await startGateway(
      testConfig({
        clientTimeoutMs: TIMEOUT_MS,
        deployments: [deployment({ modelName: 'gpt-test', model: 'm', apiBase: upstream.url })],
      }),
    );
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const ask = () =>
      new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
        const req = request(`${gateway.url}/v1/chat/completions`, {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json' },
        });
        req.on('response', (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
        });
        req.on('error', reject);
        req.end(BODY);
      });
    try {
      assert.deepEqual(await ask(), { status: 200, reused: false });
      await sleep(TIMEOUT_MS + SLACK_MS);
      assert.equal(await gateway.connections(), 1, 'the idle connection is still open');
      assert.deepEqual(await ask(), { status: 200, reused: true });
    } finally {
      agent.destroy();
      await gateway.close();
      await upstream.close();
    }
  });
});
