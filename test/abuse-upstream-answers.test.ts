/**
 * Hostile upstream answers (issue 14, points 4 and 13): a redirect, a compressed stream nobody asked
 * for, and an error body of hundreds of megabytes. Each is a clear error for the client; the error body
 * is read only as far as its message needs.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { APIError } from 'openai';
import { deployment, type RunningGateway, startGateway, testConfig } from './helpers/gateway-server.ts';

describe('hostile upstream answers', () => {
  let upstream: Server;
  let gateway: RunningGateway;
  /** Bytes of the endless error body written before the gateway hung up. */
  let errorBytesSent = 0;
  before(async () => {
    upstream = createServer((req, res) => {
      req.resume();
      if (req.url?.startsWith('/redirect/')) {
        res.writeHead(302, { location: 'https://elsewhere.example/v1/chat/completions' });
        return res.end();
      }
      if (req.url?.startsWith('/gzip/')) {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'content-encoding': 'gzip' });
        return res.end(
          gzipSync('data: {"choices":[{"index":0,"delta":{"content":"hi"}}]}\n\ndata: [DONE]\n\n'),
        );
      }
      // An error answer that never ends: 1 MiB at a time for as long as anyone reads.
      res.writeHead(500, { 'content-type': 'application/json' });
      res.write('{"error":{"message":"boom","padding":"');
      const mib = Buffer.alloc(1024 * 1024, 'x');
      const more = () => {
        while (!res.destroyed && errorBytesSent < 300 * 1024 * 1024) {
          errorBytesSent += mib.length;
          if (!res.write(mib)) return void res.once('drain', more);
        }
        if (!res.destroyed) res.end('"}}');
      };
      more();
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const address = upstream.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    gateway = await startGateway(
      testConfig({
        deployments: [
          deployment({ modelName: 'redirect', model: 'm', apiBase: `${base}/redirect/v1` }),
          deployment({ modelName: 'gzip', model: 'm', apiBase: `${base}/gzip/v1` }),
          deployment({ modelName: 'big-error', model: 'm', apiBase: `${base}/error/v1` }),
        ],
      }),
    );
  });
  after(async () => {
    await gateway.close();
    upstream.closeAllConnections();
    await new Promise((resolve) => upstream.close(resolve));
  });

  const fail = (model: string, stream = false) =>
    gateway
      .client()
      .chat.completions.create({ model, stream, messages: [{ role: 'user', content: 'x' }] })
      .then(
        async (answer) => {
          if (stream) for await (const _ of answer as AsyncIterable<unknown>);
          return assert.fail('expected an error');
        },
        (err: unknown) => err,
      );

  it('turns a redirect into a 502 that says where it pointed', async () => {
    const err = await fail('redirect');
    assert.ok(err instanceof APIError);
    assert.equal(err.status, 502);
    assert.match(err.message, /redirect.*elsewhere\.example/);
  });

  it('refuses a compressed stream it did not ask for with a 502', async () => {
    const err = await fail('gzip', true);
    assert.ok(err instanceof APIError);
    assert.equal(err.status, 502);
    assert.match(err.message, /compressed/);
  });

  it('reads an error body only as far as its message needs', async () => {
    const started = Date.now();
    const err = await fail('big-error');
    assert.ok(err instanceof APIError);
    assert.equal(err.status, 500);
    assert.ok(Date.now() - started < 5_000);
    // Socket buffers let a few MiB through before the hang-up; the old reader took all 300.
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(errorBytesSent < 32 * 1024 * 1024, `${errorBytesSent} bytes sent`);
  });
});
