import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { RemoteError, RemoteOpenObserve, RemoteUnavailable } from './remote-openobserve.ts';

describe('RemoteOpenObserve', () => {
  let server: Server;
  let url = '';
  const seen: Array<{ url: string; authorization?: string }> = [];
  let handle: (req: IncomingMessage, res: ServerResponse) => void = () => {};
  before(async () => {
    server = createServer((req, res) => {
      seen.push({ url: req.url ?? '', authorization: req.headers.authorization });
      handle(req, res);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(async () => {
    server.closeAllConnections();
    server.close();
  });

  const remote = (extra: { maxBytes?: number; timeoutMs?: number } = {}) =>
    new RemoteOpenObserve({
      url,
      org: 'acme',
      stream: 'llm',
      authToken: 'Basic c2VjcmV0',
      timeoutMs: extra.timeoutMs ?? 2000,
      maxBytes: extra.maxBytes,
    });

  it("adds the token, and passes the remote's status and JSON on", async () => {
    handle = (_req, res) => res.writeHead(400, { 'content-type': 'application/json' }).end('{"code":20001}');
    const r = remote();
    const answer = await r.call('GET', '/api/acme/streams?type=traces');
    assert.equal(answer.status, 400);
    assert.equal(answer.body.toString(), '{"code":20001}');
    assert.deepEqual(seen.at(-1), { url: '/api/acme/streams?type=traces', authorization: 'Basic c2VjcmV0' });
    await assert.rejects(
      r.json('GET', '/x'),
      (err: unknown) => err instanceof RemoteError && err.status === 400,
    );
    await r.close();
  });

  it('refuses an answer over the size limit, and one that comes too late', async () => {
    handle = (_req, res) => res.writeHead(200).end('x'.repeat(5000));
    const small = remote({ maxBytes: 1000 });
    await assert.rejects(small.call('GET', '/big'), (err: unknown) => {
      assert.ok(err instanceof RemoteUnavailable);
      assert.match(err.message, /answered more than 1000 bytes/);
      return true;
    });
    await small.close();
    handle = () => {};
    const slow = remote({ timeoutMs: 300 });
    await assert.rejects(slow.call('GET', '/slow'), /did not answer within 300 ms/);
    await slow.close();
  });

  it('maps the default org and stream, and FROM "default" in SQL, to the configured ones', () => {
    const r = remote();
    assert.equal(r.orgOf('default'), 'acme');
    assert.equal(r.streamOf('default'), 'llm');
    assert.equal(r.streamOf('other'), 'other');
    assert.equal(
      r.sqlOf(`SELECT * FROM (SELECT x FROM "default") JOIN "default" ON 1 WHERE a = '"default"'`),
      `SELECT * FROM (SELECT x FROM "llm") JOIN "llm" ON 1 WHERE a = '"default"'`,
    );
  });
});
