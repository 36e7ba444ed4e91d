/**
 * The store seen from the gateway's port: the gateway's own spans arrive in-process, OpenObserve's search
 * API reads them, and the API is closed to anyone without the master key.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testConfig } from './helpers/gateway-server.ts';
import { mockDeployment } from './helpers/mock-deployment.ts';
import { type StoreGateway, startStoreGateway } from './helpers/store-gateway.ts';

const KEY = 'sk-test-master-key';

describe("the gateway's own spans in the embedded store", () => {
  let s: StoreGateway;
  before(async () => {
    s = await startStoreGateway(testConfig({ deployments: [mockDeployment('demo')] }));
  });
  after(() => s.close());

  it('stores a ChatCompletion span whose tokens and model match the answer, with its attempt span', async () => {
    const answer = await s.gateway.client().chat.completions.create({
      model: 'demo',
      messages: [{ role: 'user', content: 'Hello store' }],
    });
    const [span] = await s.waitForHits(
      `SELECT * FROM "default" WHERE operation_name = 'ChatCompletion' AND input_value LIKE '%Hello store%'`,
    );
    assert.ok(span);
    assert.equal(span.llm_model_name, 'demo');
    // Attributes read back as OpenObserve stores them: strings; its gen_ai token columns are numbers.
    assert.equal(span.llm_token_count_prompt, String(answer.usage?.prompt_tokens));
    assert.equal(span.llm_token_count_completion, String(answer.usage?.completion_tokens));
    assert.equal(span.llm_token_count_total, String(answer.usage?.total_tokens));
    assert.equal(span.gen_ai_usage_total_tokens, answer.usage?.total_tokens);
    assert.equal(span.span_status, 'OK');
    assert.equal(span.service_name, 'tollgate');
    const [attempt] = await s.waitForHits(
      `SELECT * FROM "default" WHERE reference_parent_span_id = '${span.span_id}'`,
    );
    assert.equal(attempt?.operation_name, 'upstream mock');
    assert.equal(attempt?.trace_id, span.trace_id);
  });

  it('lists it in the trace list and returns it from trace details', async () => {
    await s.gateway
      .client()
      .chat.completions.create({ model: 'demo', messages: [{ role: 'user', content: 'list me' }] });
    const [span] = await s.waitForHits(`SELECT * FROM "default" WHERE input_value LIKE '%list me%'`);
    const traceId = String(span?.trace_id);
    const deadline = Date.now() + 5000;
    let listed: { hits: Array<{ trace_id: string; spans: number[]; first_event: Record<string, unknown> }> };
    // OpenObserve requires the time range.
    const range = `start_time=${(Date.now() - 60_000) * 1000}&end_time=${(Date.now() + 60_000) * 1000}`;
    do {
      const list = await fetch(
        `${s.gateway.url}/api/default/default/traces/latest?${range}&filter=${encodeURIComponent("operation_name = 'ChatCompletion'")}&size=5`,
      );
      assert.equal(list.status, 200);
      listed = (await list.json()) as typeof listed;
    } while (!listed.hits.some((h) => h.trace_id === traceId) && Date.now() < deadline);
    const hit = listed.hits.find((h) => h.trace_id === traceId);
    assert.ok(hit, 'the trace is listed');
    // As in OpenObserve, the counts are those of the spans matching the filter (not the attempt span).
    assert.deepEqual(hit.spans, [1, 0]);
    assert.deepEqual(hit.first_event, { service_name: 'tollgate', operation_name: 'ChatCompletion' });
    const details = await fetch(`${s.gateway.url}/api/default/default/traces/${traceId}/details`);
    assert.equal(details.status, 200);
    const body = (await details.json()) as { hits: Array<{ operation_name: string }> };
    assert.deepEqual(
      body.hits.map((h) => h.operation_name),
      ['ChatCompletion', 'upstream mock'],
    );
  });

  it('lists its streams with every attribute as a typed column', async () => {
    await s.waitForHits(`SELECT * FROM "default" WHERE operation_name = 'ChatCompletion'`);
    // As OpenObserve's listing, the columns come only with fetchSchema=true.
    const list = await fetch(`${s.gateway.url}/api/default/streams?type=traces&fetchSchema=true`);
    assert.equal(list.status, 200);
    const body = (await list.json()) as {
      list: Array<{
        name: string;
        stats: { doc_num: number };
        schema: Array<{ name: string; type: string }>;
        total_fields: number;
      }>;
      total: number;
    };
    const stream = body.list.find((x) => x.name === 'default');
    assert.ok(stream && stream.stats.doc_num >= 2);
    assert.equal(stream.total_fields, stream.schema.length);
    const types = new Map(stream.schema.map((c) => [c.name, c.type]));
    assert.equal(types.get('llm_model_name'), 'Utf8');
    assert.equal(types.get('llm_token_count_total'), 'Int64');
    assert.equal(types.get('duration'), 'Int64');
    const schema = await fetch(`${s.gateway.url}/api/default/streams/default/schema`);
    assert.equal(schema.status, 200);
    assert.equal((await fetch(`${s.gateway.url}/api/default/streams/nope/schema`)).status, 404);
  });

  it("answers bad searches with OpenObserve's error JSON and codes", async () => {
    for (const sql of [
      'DELETE FROM "default"',
      'PRAGMA table_info("default")',
      "ATTACH 'x.db' AS x",
      'SELECT 1; SELECT 2',
    ]) {
      const { status, body } = await s.search(sql);
      assert.equal(status, 400, sql);
      assert.equal(body.code, 20001);
      assert.equal(body.message, 'Search SQL not valid');
      assert.ok(body.error_detail && body.error_detail.length > 10, sql);
      assert.match(body.trace_id ?? '', /^[0-9a-f]{32}$/);
    }
    const json = { 'content-type': 'application/json' };
    const unknown = await fetch(`${s.gateway.url}/api/default/_search?type=logs`, {
      method: 'POST',
      headers: json,
      body: '{}',
    });
    assert.equal(unknown.status, 400);
    assert.equal(((await unknown.json()) as { code: number }).code, 20011);
    const broken = await fetch(`${s.gateway.url}/api/default/_search`, {
      method: 'POST',
      headers: json,
      body: '{"query":',
    });
    // As OpenObserve's JSON extractor refuses it: plain text.
    assert.equal(broken.status, 400);
    assert.match(await broken.text(), /^Failed to parse the request body as JSON: /);
  });
});

describe('store API auth with a master key', () => {
  let s: StoreGateway;
  before(async () => {
    s = await startStoreGateway(testConfig({ masterKey: KEY, deployments: [mockDeployment('demo')] }));
  });
  after(() => s.close());

  const ingest = (headers: Record<string, string>) =>
    fetch(`${s.gateway.url}/api/default/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: '{"resourceSpans":[]}',
    });
  const basic = (user: string, password: string) =>
    `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  it('takes the key as Bearer, as x-api-key, or as the Basic password', async () => {
    for (const authorization of [`Bearer ${KEY}`, basic('root@example.com', KEY), basic('', KEY)]) {
      assert.equal((await ingest({ authorization })).status, 200, authorization.slice(0, 6));
    }
    assert.equal((await ingest({ 'x-api-key': KEY })).status, 200);
    const { status } = await s.search('SELECT * FROM "default"', {
      headers: { authorization: `Bearer ${KEY}` },
    });
    assert.notEqual(status, 401);
  });

  it("takes Basic auth on every store route, so the gateway's own key check (Bearer only) skips them", async () => {
    const authorization = basic('root@example.com', KEY);
    const routes: Array<[string, string]> = [
      ['POST', '/api/default/v1/traces'],
      ['POST', '/api/default/traces'],
      ['POST', '/api/default/otel/v1/traces'],
      ['POST', '/v1/traces'],
      ['POST', '/api/default/_search'],
      ['GET', '/api/default/streams'],
      ['GET', '/api/default/streams/default/schema'],
      ['GET', '/api/default/default/models'],
      ['GET', '/api/default/default/traces/latest'],
      ['GET', `/api/default/default/traces/${'0'.repeat(32)}/details`],
      ['GET', '/api/default/default/traces/latest_stream'],
      ['GET', '/api/default/default/traces/session'],
      ['GET', '/api/default/default/traces/session/details'],
      ['GET', '/api/default/default/traces/user'],
      ['GET', '/api/default/default/_values'],
      ['GET', '/api/default/organizations'],
      ['GET', '/api/organizations'],
    ];
    for (const [method, path] of routes) {
      const response = await fetch(`${s.gateway.url}${path}`, {
        method,
        headers: { authorization, 'content-type': 'application/json' },
        body: method === 'POST' ? '{"resourceSpans":[]}' : undefined,
      });
      const text = await response.text();
      // A store 404 (no such stream or trace yet) is an answer; the router's means no such route.
      assert.ok(response.status !== 401 && !text.includes('unknown_url'), `${method} ${path} → ${text}`);
    }
  });

  it("refuses OpenObserve's session, user, values, stream and organisation reads without the key", async () => {
    for (const path of [
      '/api/default/default/traces/latest_stream',
      '/api/default/default/traces/session',
      '/api/default/default/traces/session/details',
      '/api/default/default/traces/user',
      '/api/default/default/_values',
      '/api/default/organizations',
      '/api/organizations',
    ]) {
      const response = await fetch(`${s.gateway.url}${path}`, {
        headers: { authorization: basic('root', 'wrong') },
      });
      assert.equal(response.status, 401, path);
    }
  });

  it('refuses missing, wrong, empty and misplaced keys on ingest and search', async () => {
    const attempts: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer sk-test-wrong' },
      { authorization: 'Bearer ' },
      { authorization: '   ' },
      { authorization: basic(KEY, 'wrong') },
      { authorization: basic('user', '') },
      { authorization: `Token ${KEY}` },
      { 'x-api-key': ' ' },
    ];
    for (const headers of attempts) {
      const response = await ingest(headers);
      assert.equal(response.status, 401, JSON.stringify(headers));
      // OpenObserve's auth middleware: plain text, with its Bearer challenge.
      assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="openobserve"');
      const text = await response.text();
      assert.match(text, /^Unauthorized Access/);
      assert.ok(!text.includes(KEY));
      assert.equal((await s.search('SELECT * FROM "default"', { headers })).status, 401);
    }
    const inQuery = await fetch(
      `${s.gateway.url}/api/default/default/traces/latest?api_key=${KEY}&key=${KEY}`,
    );
    assert.equal(inQuery.status, 401, 'a key in the query string is not a credential');
    for (const path of [
      '/API/default/_search',
      '/api/default/_search/',
      '/api/default/%5Fsearch',
      '//api/default/_search',
    ]) {
      const response = await fetch(`${s.gateway.url}${path}`, {
        method: 'POST',
        body: '{"query":{"sql":"SELECT 1"}}',
      });
      assert.ok([401, 404].includes(response.status), `${path} → ${response.status}`);
    }
  });

  it("lets the gateway's own spans in regardless (they never cross HTTP)", async () => {
    await s.gateway
      .client(KEY)
      .chat.completions.create({ model: 'demo', messages: [{ role: 'user', content: 'keyed' }] });
    const hits = await s.waitForHits(`SELECT * FROM "default" WHERE input_value LIKE '%keyed%'`, 1, {
      headers: { authorization: `Bearer ${KEY}` },
    });
    assert.equal(hits.length, 1);
  });
});

describe('store API without a master key on a non-loopback address', () => {
  let s: StoreGateway;
  before(async () => {
    // Listens on 127.0.0.1 in the test, but configured as a public bind: the store must stay closed.
    s = await startStoreGateway(testConfig({ host: '0.0.0.0' }));
  });
  after(() => s.close());

  it('is closed, saying how to open it', async () => {
    const { status, body } = await s.search('SELECT * FROM "default"');
    assert.equal(status, 403);
    assert.match(String(body.message), /master key/);
    const ingest = await fetch(`${s.gateway.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(ingest.status, 403);
  });
});
