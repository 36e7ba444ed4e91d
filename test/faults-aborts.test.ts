/**
 * Clients that give up mid-stream, many times over: a gateway (in a child process, with --expose-gc)
 * relays a slow upstream stream; each client reads the first chunk and hangs up. Afterwards every
 * upstream request was aborted, the gateway holds no upstream or client socket beyond its keep-alive
 * baseline, its heap is back near where it started, and it still answers.
 *
 * Soak: `FAULT_SOAK=1 node_modules/.bin/node --test test/faults-aborts.test.ts` runs 100,000 aborts
 * (about two minutes here); FAULT_ABORTS=n sets the count exactly.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type GatewayChild, startGatewayChild } from './helpers/gateway-child.ts';

const ABORTS = Number(process.env.FAULT_ABORTS ?? (process.env.FAULT_SOAK ? 100_000 : 10_000));
const CONCURRENCY = 80;
const MIB = 1024 * 1024;

const BODY = JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'x' }], stream: true });

/** One client: sends a streamed request, hangs up at the first chunk. Resolves with the status seen. */
function abortAfterFirstChunk(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/chat/completions`, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) },
    });
    req.on('response', (res) => {
      res.once('data', () => {
        req.destroy();
        resolve(res.statusCode ?? 0);
      });
      res.on('error', () => {});
      res.on('end', () => reject(new Error('the stream ended before the client hung up')));
    });
    req.on('error', (err) => {
      if (!req.destroyed || req.writableEnded === false) reject(err);
    });
    req.end(BODY);
  });
}

async function run(url: string, count: number): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  let started = 0;
  const worker = async () => {
    while (started < count) {
      started++;
      const status = await abortAfterFirstChunk(url);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return statuses;
}

/**
 * Polls the child until the upstream has seen `received` requests, none still open, and the gateway
 * holds no more upstream sockets than `limit`; with `upstreamToo`, until the upstream's ends are closed too.
 */
async function settled(g: GatewayChild, received: number, limit: number, upstreamToo = false) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const s = await g.stats();
    const done =
      s.received >= received &&
      s.upstreamOpen === 0 &&
      s.gatewayUpstreamSockets <= limit &&
      (!upstreamToo || s.upstreamSockets <= limit);
    if (done || Date.now() > deadline) return s;
    await sleep(100);
  }
}

describe('clients aborting mid-stream', () => {
  let g: GatewayChild;
  before(async () => {
    // 40 chunks 100 ms apart: every stream is still running when its client hangs up.
    g = await startGatewayChild({ chunks: Array.from({ length: 40 }, (_, i) => `${i} `), chunkDelayMs: 100 });
  });
  after(() => g.close());

  it(`frees every upstream request, socket and byte after ${ABORTS} aborts`, {
    timeout: 60_000 + ABORTS * 5,
  }, async () => {
    // Warm-up: connection pools and JIT.
    await run(g.url, 500);
    const baseline = await settled(g, 500, 0, true);
    assert.equal(baseline.upstreamOpen, 0);

    // Two halves: RSS is a high-water mark (freed memory is not always handed back to the OS), so it
    // is compared between the halves, once the first has raised it; the heap is compared with the start.
    const started = Date.now();
    const half = Math.floor(ABORTS / 2);
    const first = await run(g.url, half);
    const mid = await settled(g, 500 + half, baseline.gatewayUpstreamSockets);
    const second = await run(g.url, ABORTS - half);
    const elapsed = Date.now() - started;
    assert.deepEqual(
      [...first, ...second],
      [
        [200, half],
        [200, ABORTS - half],
      ],
    );

    const end = await settled(g, 500 + ABORTS, baseline.upstreamSockets, true);
    const mib = (n: number) => Math.round((n / MIB) * 10) / 10;
    const report = {
      aborts: ABORTS,
      seconds: elapsed / 1000,
      heapMiB: [baseline, mid, end].map((s) => mib(s.heapUsed)),
      rssMiB: [baseline, mid, end].map((s) => mib(s.rss)),
      gatewayUpstreamSockets: [baseline, mid, end].map((s) => s.gatewayUpstreamSockets),
      upstreamSockets: [baseline, mid, end].map((s) => s.upstreamSockets),
      gatewayConnections: [baseline, mid, end].map((s) => s.gatewayConnections),
    };
    console.log(`# aborts (start, half-way, end): ${JSON.stringify(report)}`);

    assert.equal(end.received, 500 + ABORTS, 'every request reached the upstream');
    assert.equal(end.aborted, end.received, 'the gateway aborted every upstream request');
    assert.equal(end.upstreamOpen, 0);
    assert.ok(
      mid.gatewayUpstreamSockets <= baseline.gatewayUpstreamSockets,
      `gateway's upstream sockets half-way: ${mid.gatewayUpstreamSockets}`,
    );
    assert.ok(end.gatewayUpstreamSockets <= baseline.gatewayUpstreamSockets);
    assert.ok(end.upstreamSockets <= baseline.upstreamSockets, `upstream sockets: ${end.upstreamSockets}`);
    assert.ok(
      end.gatewayConnections <= baseline.gatewayConnections,
      `client connections: ${end.gatewayConnections}`,
    );
    // Generous: a leak of even 1 KiB per abort would be ~10 MiB here.
    assert.ok(end.heapUsed - baseline.heapUsed < 8 * MIB, `heap: ${JSON.stringify(report.heapMiB)}`);
    assert.ok(end.rss - mid.rss < 64 * MIB, `rss: ${JSON.stringify(report.rssMiB)}`);
    assert.deepEqual(await g.failures(), []);

    // Still serving: one full stream.
    const res = await fetch(`${g.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'x' }] }),
    });
    assert.equal(res.status, 200);
    assert.match(((await res.json()) as { id: string }).id, /chatcmpl/);
  });
});
