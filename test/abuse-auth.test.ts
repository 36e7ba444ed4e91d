/**
 * Abuse: ways around the master key, on the LLM routes and the store's routes. Path variants (sent
 * byte for byte over a raw socket, so no client normalises them), keys in the wrong place or shape,
 * conflicting headers: every attempt is refused (401/403/404, or 400 from the HTTP parser) and never
 * reaches an upstream or the store's data. /ui stays public.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { deployment, testConfig } from './helpers/gateway-server.ts';
import { type MockUpstream, startMockUpstream } from './helpers/mock-upstream.ts';
import { type StoreGateway, startStoreGateway } from './helpers/store-gateway.ts';

const KEY = 'sk-test-master';
const REFUSED = [400, 401, 403, 404, 405];
/** The UI's routes are public; without a built UI (a fresh checkout) they answer 503, never the API. */
const refused = (path: string, status: number) =>
  REFUSED.includes(status) || (status === 503 && path.startsWith('/ui'));

/** Sends a request exactly as written (path and headers untouched) and returns the status code. */
function raw(url: string, method: string, path: string, headerLines: string[], body = ''): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk) => {
      data += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const status = /^HTTP\/1\.1 (\d{3})/.exec(data)?.[1];
      if (status) resolve(Number(status));
      else reject(new Error(`no status line for ${method} ${path}: ${JSON.stringify(data.slice(0, 200))}`));
    });
    const bytes = Buffer.from(body);
    // write, not end: a half-closed socket may be closed before the answer comes back.
    socket.write(
      `${method} ${path} HTTP/1.1\r\nhost: ${hostname}\r\nconnection: close\r\n` +
        `${headerLines.map((h) => `${h}\r\n`).join('')}content-type: application/json\r\n` +
        `content-length: ${bytes.length}\r\n\r\n${body}`,
      'latin1',
    );
  });
}

/** Every spelling of a path that a lax router or proxy might take for the real one. */
function variants(path: string): string[] {
  const [, first = '', ...rest] = path.split('/');
  const tail = rest.join('/');
  return [
    path,
    `${path}/`,
    `${path}?`,
    `${path}#`,
    `${path};`,
    `${path};x=1`,
    `${path}?#`,
    `${path}%00`,
    `${path}%20`,
    `${path}.json`,
    path.toUpperCase(),
    path.replace('/', '//'),
    path.replace(/\/([^/]+)$/, '//$1'),
    path.replace(/\/([^/]+)$/, '/./$1'),
    path.replace(/\/([^/]+)$/, '/x/../$1'),
    path.replace(/\/([^/]+)$/, '/%2e/$1'),
    path.replaceAll('/', '%2F'),
    `/${first}/${tail.replaceAll('/', '%2F')}`,
    `/${first}%2F${tail}`,
    path.replace(/[a-z]/, (c) => `%${c.charCodeAt(0).toString(16)}`),
    `/ui/..${path}`,
    `/ui/..%2F..${path}`,
    `/health/liveness/..${path}`,
    `/health/liveness%2F..${path}`,
    `http://evil.example${path}`,
    `*`,
  ];
}

/** Headers that carry no key, a wrong one, or the right one in a place or shape that must not count. */
const BAD_CREDENTIALS: string[][] = [
  [],
  ['authorization:'],
  ['authorization: '],
  ['authorization: Bearer'],
  ['authorization: Bearer '],
  ['authorization: Bearer\t'],
  ['authorization: bearer'],
  [`authorization: ${KEY}`],
  [`authorization: Token ${KEY}`],
  [`authorization: Basic ${KEY}`],
  [`authorization: Bearer ${KEY}x`],
  [`authorization: Bearer ${KEY.slice(0, -1)}`],
  [`authorization: Bearer ${KEY.toUpperCase()}`],
  [`authorization: Bearer Bearer ${KEY}`],
  [`authorization: Bearer ${KEY} ${KEY}`],
  [`authorization: Bearer ${KEY},${KEY}`],
  [`authorization: Bearer ${KEY}\u0000`],
  [`authorization: Bearer ${KEY}\rx-api-key: x`],
  ['x-api-key:'],
  ['x-api-key:  '],
  [`x-api-key: Bearer ${KEY}`],
  [`x-api-key: ${KEY}x`],
  [`x-api-key: ${KEY.slice(0, -1)}`],
  [`X-Api-Key: ${KEY.slice(0, -1)}`],
  [`x_api_key: ${KEY}`],
  [`api_key: ${KEY}`],
  [`cookie: api_key=${KEY}; authorization=Bearer%20${KEY}`],
  [`proxy-authorization: Bearer ${KEY}`],
  [`x-forwarded-authorization: Bearer ${KEY}`],
  // Conflicts: a wrong Authorization is not rescued by a right x-api-key, on any route.
  ['authorization: Bearer sk-test-wrong', `x-api-key: ${KEY}`],
  ['authorization: Bearer sk-test-wrong', `authorization: Bearer ${KEY}`],
  ['x-api-key: sk-test-wrong', `x-api-key: ${KEY}`],
  [`x-forwarded-for: 127.0.0.1`, 'x-real-ip: 127.0.0.1'],
];

const CHAT_BODY = JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] });
const SEARCH_BODY = JSON.stringify({ query: { sql: 'SELECT 1 AS one', start_time: 0, end_time: 2 ** 60 } });

const nowNs = `${BigInt(Date.now()) * 1_000_000n}`;
/** What refused ingest attempts carry: a span that must never show up in the store. */
const INTRUDER = JSON.stringify({
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'intruder' } }] },
      scopeSpans: [
        {
          spans: [
            {
              traceId: 'ab'.repeat(16),
              spanId: 'cd'.repeat(8),
              name: 'x',
              startTimeUnixNano: nowNs,
              endTimeUnixNano: nowNs,
            },
          ],
        },
      ],
    },
  ],
});
const attack = (body: string) => (body.includes('resourceSpans') ? INTRUDER : body);

/** `query`: what a served request needs besides the key (traces/latest requires its time range). */
const TARGETS: Array<{ method: string; path: string; body: string; query?: string }> = [
  { method: 'POST', path: '/v1/chat/completions', body: CHAT_BODY },
  { method: 'POST', path: '/chat/completions', body: CHAT_BODY },
  { method: 'POST', path: '/v1/completions', body: JSON.stringify({ model: 'gpt-test', prompt: 'hi' }) },
  { method: 'POST', path: '/v1/embeddings', body: JSON.stringify({ model: 'gpt-test', input: 'hi' }) },
  { method: 'GET', path: '/v1/models', body: '' },
  { method: 'POST', path: '/api/default/_search', body: SEARCH_BODY },
  { method: 'POST', path: '/api/default/v1/traces', body: '{"resourceSpans":[]}' },
  { method: 'POST', path: '/v1/traces', body: '{"resourceSpans":[]}' },
  {
    method: 'GET',
    path: '/api/default/default/traces/latest',
    body: '',
    query: '?start_time=1&end_time=9999999999999999',
  },
  { method: 'GET', path: '/api/default/streams', body: '' },
];

describe('abuse: getting past the master key', () => {
  let s: StoreGateway;
  let upstream: MockUpstream;
  before(async () => {
    upstream = await startMockUpstream();
    s = await startStoreGateway(
      testConfig({
        masterKey: KEY,
        deployments: [
          deployment({ modelName: 'gpt-test', model: 'm', apiBase: upstream.url, apiKey: 'sk-test-up' }),
        ],
      }),
    );
  });
  after(async () => {
    await s.close();
    await upstream.close();
  });

  it('serves the right key (so the refusals below mean something), and /ui without one', async () => {
    for (const { method, path, body, query = '' } of TARGETS) {
      const status = await raw(
        s.gateway.url,
        method,
        `${path}${query}`,
        [`authorization: Bearer ${KEY}`],
        body,
      );
      assert.equal(status, 200, `${method} ${path}`);
    }
    assert.ok([200, 503].includes(await raw(s.gateway.url, 'GET', '/ui', [])), '/ui is public');
    // HTTP strips whitespace around a header value: a key sent with trailing blanks is the key.
    const padded = await raw(s.gateway.url, 'GET', '/v1/models', [`authorization: Bearer ${KEY} \t`]);
    assert.equal(padded, 200);
    assert.equal(upstream.received.length, 4);
  });

  it('refuses every path variant without a key, and with a key only in the query string', async () => {
    const served = upstream.received.length;
    for (const { method, path, body } of TARGETS) {
      for (const variant of variants(path)) {
        for (const query of ['', `?api_key=${KEY}`, `?key=${KEY}&authorization=Bearer%20${KEY}`]) {
          const target =
            variant.includes('?') || variant.includes('#')
              ? `${variant}${query.replace('?', '&')}`
              : `${variant}${query}`;
          const status = await raw(s.gateway.url, method, target, [], attack(body));
          assert.ok(refused(target, status), `${method} ${target} → ${status}`);
        }
      }
    }
    assert.equal(upstream.received.length, served, 'no request reached the upstream');
  });

  it('refuses missing, empty, malformed, misplaced and conflicting keys', async () => {
    const served = upstream.received.length;
    for (const { method, path, body } of TARGETS) {
      for (const headers of BAD_CREDENTIALS) {
        const status = await raw(s.gateway.url, method, path, headers, attack(body));
        assert.ok(REFUSED.includes(status), `${method} ${path} ${JSON.stringify(headers)} → ${status}`);
      }
    }
    assert.equal(upstream.received.length, served, 'no request reached the upstream');
  });

  it('has stored nothing that the refused ingest attempts carried', async () => {
    await s.waitForHits('SELECT * FROM "default"', 1, { headers: { authorization: `Bearer ${KEY}` } });
    const { status, body } = await s.search(
      'SELECT count(*) AS n FROM "default" WHERE service_name = \'intruder\'',
      {
        headers: { authorization: `Bearer ${KEY}` },
        query: { start_time: 0 },
      },
    );
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.hits[0]?.n, 0);
  });
});
