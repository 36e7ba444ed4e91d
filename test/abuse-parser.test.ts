/**
 * Abuse: the request parser of the LLM routes under generated and mutated bodies. Whatever arrives,
 * the answer is a 2xx or a 4xx in OpenAI's error shape — never a 5xx, never a hang — the server keeps
 * serving, and no body can reach Object.prototype. Seeded: a failure prints the seed and the input.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { request } from 'undici';
import { describeInput, FUZZ_SCALE, mutate, rng } from './helpers/fuzz.ts';
import { deployment, type RunningGateway, testConfig } from './helpers/gateway-server.ts';
import { type MockUpstream, startMockUpstream } from './helpers/mock-upstream.ts';
import { type StoreGateway, startStoreGateway } from './helpers/store-gateway.ts';

const BASES: Record<string, Record<string, unknown>> = {
  '/v1/chat/completions': {
    model: 'demo',
    messages: [{ role: 'user', content: 'hi' }],
    max_tokens: 5,
    temperature: 0.5,
    stream: false,
    stop: ['x'],
    tools: [{ type: 'function', function: { name: 'f', parameters: {} } }],
    metadata: { a: 1 },
  },
  '/v1/completions': { model: 'demo', prompt: 'hi', n: 1, top_p: 1, user: 'u' },
  '/v1/embeddings': { model: 'demo', input: ['hi'], dimensions: 8, encoding_format: 'float' },
};
const PATHS = Object.keys(BASES);

const deep = (levels: number, open: string, close: string) => open.repeat(levels) + close.repeat(levels);
/** Values of every JSON type and then some, to put at every field. */
const WRONG: unknown[] = [
  null,
  true,
  0,
  -1,
  1.5,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER + 2,
  '',
  ' ',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e999',
  '\ud800',
  '\udfff\ud800',
  '\u0000',
  '\u202e',
  'x'.repeat(10_000),
  [],
  [null],
  [[[]]],
  {},
  { __proto__: { polluted: 1 } },
  JSON.parse('{"__proto__":{"polluted":1}}'),
  { constructor: { prototype: { polluted: 1 } } },
  { toString: 1, valueOf: 1 },
  [{ toString: 1, valueOf: 1 }],
];
/** Raw bodies that no generator produces by accident. */
const RAW: string[] = [
  '',
  ' ',
  'null',
  'true',
  '0',
  '"x"',
  '[]',
  '{',
  '}',
  '{}{}',
  '{"model":"demo"}{"model":"demo"}',
  '{"model":1e999999}',
  '{"model":"demo","max_tokens":1e999999,"messages":[{"role":"user","content":"x"}]}',
  `{"model":"demo","max_tokens":${'9'.repeat(5000)},"messages":[{"role":"user","content":"x"}]}`,
  '{"model":"demo","temperature":NaN}',
  '{"model":"demo","temperature":Infinity}',
  '{"model":"demo","temperature":-0}',
  '{"model":"demo","model":"other","messages":[{"role":"user","content":"x"}]}',
  '{"__proto__":{"polluted":1},"model":"demo","messages":[{"role":"user","content":"x"}]}',
  '{"constructor":{"prototype":{"polluted":1}},"model":"demo","messages":[{"role":"user","content":"x"}]}',
  '{"model":"demo","messages":[{"role":"user","content":"x","__proto__":{"polluted":1}}],"metadata":{"__proto__":{"polluted":1}}}',
  '{"model":"demo","messages":[{"role":"user","content":"\\ud800"}]}',
  '{"model":"demo\\u0000","messages":[{"role":"user","content":"x"}]}',
  '{"model":"demo","messages":[{"role":"\\udfff","content":"x"}]}',
  deep(10_000, '[', ']'),
  deep(10_000, '{"a":', '}').replace(/}$/, '1}'),
  `{"model":"demo","messages":[{"role":"user","content":${deep(10_000, '[', ']')}}]}`,
  `{"model":"demo","messages":[{"role":"user","content":"x"}],"metadata":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`,
  `{"model":"demo","input":${deep(10_000, '[', ']')}}`,
  `{"model":"demo","prompt":${deep(10_000, '[', ']')}}`,
];
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-16',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/x-protobuf',
  '',
  ';;;',
  'application/json; charset=utf-8; charset=latin1',
  `application/${'x'.repeat(2000)}`,
];

interface Shape {
  error?: { message?: unknown; type?: unknown; param?: unknown; code?: unknown };
}

describe('abuse: the LLM request parser', () => {
  // With the store, so that refused and odd requests are traced too: tracing must survive any body.
  // A real HTTP upstream that answers at once: the mock provider's simulated latency would make this slow.
  let s: StoreGateway;
  let upstream: MockUpstream;
  let gateway: RunningGateway;
  before(async () => {
    upstream = await startMockUpstream();
    const demo = deployment({ modelName: 'demo', model: 'm', apiBase: upstream.url, apiKey: 'sk-test-up' });
    s = await startStoreGateway(testConfig({ deployments: [demo], bodyLimitBytes: 1 << 20 }));
    gateway = s.gateway;
  });
  after(async () => {
    await s.close();
    await upstream.close();
  });
  const r = rng();

  async function send(
    path: string,
    body: Buffer | string,
    headers: Record<string, string> = { 'content-type': 'application/json' },
  ): Promise<number> {
    if (process.env.ABUSE_TRACE) console.error('>', path, describeInput(body).slice(0, 200));
    const what = () => `seed ${r.seed} ${path} ${JSON.stringify(headers)} body ${describeInput(body)}`;
    let res: Awaited<ReturnType<typeof request>>;
    try {
      res = await request(`${gateway.url}${path}`, { method: 'POST', headers, body, headersTimeout: 10_000 });
    } catch (err) {
      throw new Error(`no answer (${String(err)}) for ${what()}`);
    }
    if (process.env.ABUSE_TRACE) console.error(res.statusCode, what().slice(0, 200));
    const text = await res.body.text();
    assert.ok(res.statusCode < 500, `${res.statusCode} ${text.slice(0, 300)} for ${what()}`);
    if (res.statusCode >= 400) {
      let json: Shape;
      try {
        json = JSON.parse(text) as Shape;
      } catch {
        assert.fail(`not JSON: ${text.slice(0, 200)} for ${what()}`);
      }
      const e = json.error;
      assert.ok(e && typeof e.message === 'string' && typeof e.type === 'string', `shape ${text} ${what()}`);
      assert.ok('param' in e && 'code' in e, `param and code ${text} ${what()}`);
      assert.ok(e.param === null || typeof e.param === 'string', `param ${text}`);
      assert.ok(e.code === null || typeof e.code === 'string', `code ${text}`);
      assert.doesNotMatch(String(e.message), /\n\s+at /, 'no stack trace');
    }
    return res.statusCode;
  }

  async function stillServing() {
    for (const path of PATHS) assert.equal(await send(path, JSON.stringify(BASES[path])), 200, path);
    assert.equal(Object.keys(Object.prototype).length, 0, 'Object.prototype has no new keys');
    assert.equal(({} as { polluted?: unknown }).polluted, undefined, 'Object.prototype unpolluted');
  }

  it('answers the valid bodies with 200', stillServing);

  it('answers hand-picked raw bodies (deep nesting, huge numbers, duplicates, __proto__) with 2xx/4xx', async () => {
    for (const path of PATHS) for (const body of RAW) await send(path, body);
    await stillServing();
  });

  it('refuses a body nested 10,000 levels deep with 400 saying so', async () => {
    const body = `{"model":"demo","messages":[{"role":"user","content":${deep(10_000, '[', ']')}}]}`;
    const res = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { error: { message: string } }).error.message, /nested more than/);
  });

  it('answers a wrong type at every field, nested ones too, with 2xx/4xx', async () => {
    for (const path of PATHS) {
      const base = BASES[path] as Record<string, unknown>;
      const keys = [
        ...Object.keys(base),
        '__proto__',
        'constructor',
        'prototype',
        'api_key',
        'stream_options',
      ];
      for (const key of keys) {
        for (const value of WRONG) {
          const body = { ...base };
          Object.defineProperty(body, key, { value, enumerable: true, writable: true, configurable: true });
          await send(path, JSON.stringify(body));
        }
      }
      if (path === '/v1/chat/completions') {
        for (const key of ['role', 'content', 'name', 'tool_calls', '__proto__']) {
          for (const value of WRONG) {
            const message: Record<string, unknown> = { role: 'user', content: 'hi' };
            Object.defineProperty(message, key, {
              value,
              enumerable: true,
              writable: true,
              configurable: true,
            });
            await send(path, JSON.stringify({ ...base, messages: [message] }));
            await send(path, JSON.stringify({ ...base, stream: true, messages: [message, message] }));
          }
        }
      }
    }
    await stillServing();
  });

  it('answers random bytes and mutated valid bodies with 2xx/4xx', async () => {
    for (let i = 0; i < 300 * FUZZ_SCALE; i++) {
      const path = r.pick(PATHS);
      const valid = Buffer.from(JSON.stringify(BASES[path]));
      const body = r.int(4) === 0 ? r.bytes(r.int(200)) : mutate(r, valid);
      await send(path, body);
    }
    await stillServing();
  });

  it('answers odd content types and content encodings with 2xx/4xx', async () => {
    const valid = JSON.stringify(BASES['/v1/chat/completions']);
    for (const path of PATHS) {
      for (const type of CONTENT_TYPES)
        await send(path, JSON.stringify(BASES[path]), { 'content-type': type });
      for (const encoding of ['gzip', 'deflate', 'br', 'zstd', 'identity', 'garbage', 'gzip, gzip', ' ']) {
        await send(path, valid, { 'content-type': 'application/json', 'content-encoding': encoding });
        await send(path, gzipSync(valid), {
          'content-type': 'application/json',
          'content-encoding': encoding,
        });
      }
      await send(path, Buffer.from(`\ufeff${valid}`), { 'content-type': 'application/json' });
      await send(path, Buffer.from(valid, 'utf16le'), { 'content-type': 'application/json; charset=utf-16' });
      await send(path, Buffer.from([0xff, 0xfe, 0xc0, 0x80, 0xed, 0xa0, 0x80]), {});
    }
    await stillServing();
  });
});
