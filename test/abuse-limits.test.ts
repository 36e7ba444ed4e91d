/**
 * Abuse: bodies over the limit are refused with 413 before they are read in full (declared or chunked),
 * on the LLM routes and the OTLP receiver; huge or countless headers get 431 or 400; the server keeps
 * serving throughout.
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { testConfig } from './helpers/gateway-server.ts';
import { mockDeployment } from './helpers/mock-deployment.ts';
import { type StoreGateway, startStoreGateway } from './helpers/store-gateway.ts';

const LIMIT = 256 * 1024;

interface RawAnswer {
  status: number;
  /** Body bytes written before the answer came. */
  sent: number;
}

/**
 * Writes `head`, then up to `total` body bytes in 64 KiB pieces (chunked if asked), stopping as soon
 * as an answer arrives; resolves with its status and how much was sent.
 */
function sendUntilAnswered(url: string, head: string, total: number, chunked: boolean): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(Number(port), hostname);
    let sent = 0;
    let answered = false;
    let data = '';
    socket.setEncoding('latin1');
    socket.on('error', (err) => {
      if (!answered) reject(err);
    });
    socket.on('data', (chunk) => {
      data += chunk;
      const status = /^HTTP\/1\.1 (\d{3})/.exec(data)?.[1];
      if (status && !answered) {
        answered = true;
        resolve({ status: Number(status), sent });
        socket.destroy();
      }
    });
    socket.on('close', () => {
      if (!answered) reject(new Error(`closed without an answer after ${sent} bytes`));
    });
    socket.write(head);
    const piece = Buffer.alloc(64 * 1024, 0x20);
    const pump = () => {
      while (!answered && sent < total && !socket.destroyed) {
        const frame = chunked
          ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')])
          : piece;
        sent += piece.length;
        if (!socket.write(frame)) {
          socket.once('drain', pump);
          return;
        }
      }
    };
    setImmediate(pump);
  });
}

function rawStatus(url: string, request: string): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk) => {
      data += chunk;
    });
    socket.on('error', (err) => (data ? undefined : reject(err)));
    socket.on('close', () => {
      const status = /^HTTP\/1\.1 (\d{3})/.exec(data)?.[1];
      if (status) resolve(Number(status));
      else reject(new Error(`no answer: ${JSON.stringify(data.slice(0, 100))}`));
    });
    socket.write(request, 'latin1');
  });
}

describe('abuse: oversized bodies and headers', () => {
  let s: StoreGateway;
  before(async () => {
    s = await startStoreGateway(testConfig({ bodyLimitBytes: LIMIT, deployments: [mockDeployment('demo')] }));
  });
  after(() => s.close());

  const serving = async () => {
    const health = await fetch(`${s.gateway.url}/health/liveness`);
    assert.equal(health.status, 200);
    const ingest = await fetch(`${s.gateway.url}/api/default/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"resourceSpans":[]}',
    });
    assert.equal(ingest.status, 200);
  };

  for (const path of ['/v1/chat/completions', '/v1/embeddings', '/api/default/v1/traces', '/v1/traces']) {
    it(`refuses an oversized body on ${path} with 413 before reading it all`, async () => {
      const total = 64 * 1024 * 1024;
      const declared = await sendUntilAnswered(
        s.gateway.url,
        `POST ${path} HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\ncontent-length: ${total}\r\n\r\n`,
        total,
        false,
      );
      assert.equal(declared.status, 413);
      assert.ok(declared.sent < total / 4, `sent ${declared.sent} of ${total} bytes before the answer`);
      const chunked = await sendUntilAnswered(
        s.gateway.url,
        `POST ${path} HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n`,
        total,
        true,
      );
      assert.equal(chunked.status, 413);
      assert.ok(chunked.sent < total / 4, `sent ${chunked.sent} of ${total} bytes before the answer`);
      const lying = await rawStatus(
        s.gateway.url,
        `POST ${path} HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\ncontent-length: 99999999999999999999\r\n\r\n{}`,
      );
      assert.ok([400, 413].includes(lying), `a content-length past 2^64 → ${lying}`);
      await serving();
    });
  }

  it('answers a huge header, a huge header block and thousands of headers with 431 or 400', async () => {
    const request = (headers: string) =>
      `POST /v1/chat/completions HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n${headers}content-length: 2\r\n\r\n{}`;
    const cases = [
      `x-big: ${'a'.repeat(100_000)}\r\n`,
      `authorization: Bearer ${'a'.repeat(1_000_000)}\r\n`,
      Array.from({ length: 5000 }, (_, i) => `x-h${i}: v\r\n`).join(''),
      Array.from({ length: 20_000 }, () => 'x-same: v\r\n').join(''),
      `cookie: ${'a=b; '.repeat(10_000)}\r\n`,
    ];
    for (const headers of cases) {
      const status = await rawStatus(s.gateway.url, request(headers));
      assert.ok([400, 431].includes(status), `${status} for ${headers.slice(0, 40)}…`);
    }
    const many = Array.from({ length: 500 }, (_, i) => `x-h${i}: v\r\n`).join('');
    const fine = await rawStatus(s.gateway.url, request(many));
    assert.ok(fine < 500, `500 ordinary headers → ${fine}`);
    await serving();
  });
});
