/**
 * One UI over either backend: Tollgate A keeps no store and exports to an OpenObserve — here a second
 * Tollgate B's store, with B's master key as A's OPENOBSERVE_AUTH_TOKEN, in an org and stream of its
 * own. A's UI lists the traces, opens one and shows the Models page, all read from B through A, and the
 * browser never sees B's key. A's alerts evaluate against B too.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import type { Browser } from 'playwright-core';
import { createGateway } from '../src/gateway/gateway.ts';
import { ModelRegistry } from '../src/gateway/model-registry.ts';
import { buildApp } from '../src/server/app.ts';
import { RemoteOpenObserve } from '../src/store/remote-openobserve.ts';
import { browserMissing, launchBrowser, screenshotPath } from './helpers/browser.ts';
import { testConfig } from './helpers/gateway-server.ts';
import { startReceiver } from './helpers/openobserve-receiver.ts';
import { cleanEnv, type Server, startCli } from './helpers/process.ts';
import { tempDir } from './helpers/temp-dir.ts';

const skip = browserMissing();
const KEY_A = 'sk-test-gateway-a-key';
const KEY_B = 'sk-test-remote-b-key';

async function chat(a: Server, content: string): Promise<void> {
  const res = await fetch(`${a.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY_A}` },
    body: JSON.stringify({ model: 'demo', messages: [{ role: 'user', content }] }),
  });
  assert.equal(res.status, 200);
  await res.arrayBuffer();
}

/** Rows B holds, asked directly (with B's key), as OpenObserve's `_search` answers. */
async function rowsOnB(b: Server, sql: string): Promise<Array<Record<string, unknown>>> {
  const res = await fetch(`${b.url}/api/acme/_search?type=traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY_B}` },
    body: JSON.stringify({ query: { sql, start_time: 0, end_time: (Date.now() + 60_000) * 1000 } }),
  });
  if (res.status !== 200) return [];
  return ((await res.json()) as { hits: Array<Record<string, unknown>> }).hits;
}

describe('UI and alerts over a remote OpenObserve', () => {
  let b: Server;
  let a: Server;
  before(async () => {
    b = await startCli([], { env: cleanEnv({ LITELLM_MASTER_KEY: KEY_B }) });
    a = await startCli([], {
      cwd: tempDir(),
      env: cleanEnv({
        LITELLM_MASTER_KEY: KEY_A,
        TOLLGATE_TRACE_STORE: 'off',
        OPENOBSERVE_URL: `${b.url}/`,
        OPENOBSERVE_ORG: 'acme',
        OPENOBSERVE_TRACES_STREAM_NAME: 'llm',
        OPENOBSERVE_AUTH_TOKEN: `Bearer ${KEY_B}`,
      }),
    });
    for (const topic of ['remote-one', 'remote-two', 'remote-three']) await chat(a, topic);
    const deadline = Date.now() + 15_000;
    while ((await rowsOnB(b, `SELECT * FROM "llm" WHERE operation_name = 'ChatCompletion'`)).length < 3) {
      if (Date.now() > deadline) throw new Error('the spans did not reach B');
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
  });

  it('says in the banner that the UI reads the remote', () => {
    assert.match(
      a.output(),
      /See them at http:\/\/127\.0\.0\.1:\d+\/ui\/ \(read from OpenObserve at http:\/\/127\.0\.0\.1:\d+, through this gateway\)/,
    );
  });

  it("forwards the store's routes to B with B's key, behind A's own key", async () => {
    const latest = `${a.url}/api/default/default/traces/latest?start_time=1&end_time=${(Date.now() + 60_000) * 1000}&size=10`;
    const refused = await fetch(latest);
    assert.equal(refused.status, 401, "A's master key is asked for");
    assert.equal(refused.headers.get('x-tollgate-source'), null, "that refusal is A's own");
    const withB = await fetch(latest, { headers: { authorization: `Bearer ${KEY_B}` } });
    assert.equal(withB.status, 401, "B's key is not A's");
    const res = await fetch(latest, { headers: { authorization: `Bearer ${KEY_A}` } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-tollgate-source'), 'openobserve');
    const body = (await res.json()) as { hits: Array<{ trace_id: string }> };
    assert.equal(body.hits.length, 3, "the traces of B's org acme, stream llm");
    const text = JSON.stringify(body);
    assert.ok(!text.includes(KEY_B));

    const schema = await fetch(`${a.url}/api/acme/streams/default/schema`, {
      headers: { authorization: `Bearer ${KEY_A}` },
    });
    assert.equal(schema.status, 200, 'the configured org may be named too');
    const other = await fetch(`${a.url}/api/other/_search?type=traces`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY_A}`, 'content-type': 'application/json' },
      body: '{"query":{"sql":"SELECT 1"}}',
    });
    assert.equal(other.status, 403);
    assert.match(((await other.json()) as { message: string }).message, /reads the org "acme"/);

    const bad = await fetch(`${a.url}/api/default/_search?type=traces`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY_A}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: { sql: 'SELECT nope FROM "default"', start_time: 0, end_time: 1e16 } }),
    });
    const direct = await fetch(`${b.url}/api/acme/_search?type=traces`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY_B}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: { sql: 'SELECT nope FROM "llm"', start_time: 0, end_time: 1e16 } }),
    });
    assert.equal(bad.status, direct.status, "B's error comes back as it is");
    // Each search has its own trace_id; the rest of the error is B's, unchanged.
    const { trace_id: _a, ...forwarded } = (await bad.json()) as Record<string, unknown>;
    const { trace_id: _b, ...answered } = (await direct.json()) as Record<string, unknown>;
    assert.deepEqual(forwarded, answered);
  });

  it('evaluates alerts against B, keeping the rules in A', async () => {
    const headers = { authorization: `Bearer ${KEY_A}`, 'content-type': 'application/json' };
    const created = await fetch(`${a.url}/api/v2/default/alerts`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        name: 'any-rate',
        metric: 'error_rate',
        per_model: true,
        operator: '>=',
        threshold: 0,
      }),
    });
    assert.equal(created.status, 200);
    const evaluated = await fetch(`${a.url}/api/v2/default/alerts/any-rate/evaluate`, {
      method: 'POST',
      headers,
    });
    assert.equal(evaluated.status, 200);
    assert.deepEqual(await evaluated.json(), { firing: ['demo'] });
    const history = (await (await fetch(`${a.url}/api/default/alerts/history`, { headers })).json()) as {
      list: Array<{ alert_name: string; kind: string }>;
    };
    assert.deepEqual(
      history.list.map((h) => [h.alert_name, h.kind]),
      [['any-rate', 'firing']],
    );
  });

  describe('in a browser', { skip }, () => {
    let browser: Browser;
    before(async () => {
      browser = await launchBrowser();
    });
    after(async () => {
      await browser?.close();
    });

    it("shows the traces list, a trace and the Models page from B, and never B's key", async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
      const seen: Array<{ url: string; text: string }> = [];
      const pending: Array<Promise<void>> = [];
      page.on('request', (request) => {
        seen.push({
          url: request.url(),
          text: JSON.stringify(request.headers()) + (request.postData() ?? ''),
        });
      });
      page.on('response', (response) => {
        pending.push(
          response.text().then(
            (body) => {
              seen.push({ url: response.url(), text: JSON.stringify(response.headers()) + body });
            },
            () => {},
          ),
        );
      });
      await page.goto(`${a.url}/ui/`);
      await page.waitForSelector('form.key-prompt');
      await page.fill('input[name=key]', KEY_A);
      await page.click('form.key-prompt button');
      await page.waitForSelector('table.traces tbody tr');
      assert.equal(await page.locator('table.traces tbody tr').count(), 3);
      const models = await page.$$eval('table.traces tbody tr td.model', (cells) =>
        cells.map((c) => c.textContent),
      );
      assert.deepEqual(models, ['demo', 'demo', 'demo']);
      await page.screenshot({ path: screenshotPath('remote-traces') });

      const [span] = await rowsOnB(b, `SELECT trace_id FROM "llm" WHERE input_value LIKE '%remote-two%'`);
      await page.click(`tr[data-trace-id="${span?.trace_id}"]`);
      await page.waitForSelector('.waterfall .span-row');
      assert.equal(await page.textContent('[data-field=model] dd'), 'demo');
      assert.match((await page.textContent('.conversation')) ?? '', /remote-two/);

      await page.goto(`${a.url}/ui/#/models`);
      await page.waitForSelector('table.model-table tr[data-model="demo"]');
      const cell = (n: number) =>
        page.textContent(`table.model-table tr[data-model="demo"] td:nth-child(${n})`);
      assert.equal(await cell(2), '3');
      assert.equal(await cell(3), '0.0 %');
      assert.equal(await page.locator('figure.chart').count(), 4);
      await page.screenshot({ path: screenshotPath('remote-models') });
      await page.close();
      await Promise.all(pending);

      const apiCalls = seen.filter((s) => s.url.includes('/api/'));
      assert.ok(apiCalls.length > 5, 'the pages read the API');
      assert.ok(
        seen.every((s) => s.url.startsWith(a.url)),
        'the browser talks to A only',
      );
      assert.deepEqual(
        seen.filter((s) => s.text.includes(KEY_B) || s.text.includes(b.url)).map((s) => s.url),
        [],
        "no request or answer carries B's key or address",
      );
    });

    it("fills the model and tokens when first_event is OpenObserve's (service and operation only)", async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
      await page.route('**/traces/latest?*', async (route) => {
        const response = await route.fetch();
        if (response.status() !== 200) return route.fulfill({ response });
        const body = (await response.json()) as { hits: Array<{ first_event: Record<string, unknown> }> };
        for (const hit of body.hits)
          hit.first_event = {
            service_name: hit.first_event.service_name,
            operation_name: hit.first_event.operation_name,
          };
        await route.fulfill({ response, json: body });
      });
      await page.goto(`${a.url}/ui/`);
      await page.waitForSelector('form.key-prompt');
      await page.fill('input[name=key]', KEY_A);
      await page.click('form.key-prompt button');
      await page.waitForSelector('table.traces tbody tr td.model');
      const deadline = Date.now() + 5000;
      const models = () =>
        page.$$eval('table.traces tbody tr td.model', (cells) => cells.map((c) => c.textContent));
      while ((await models()).includes('–') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(await models(), ['demo', 'demo', 'demo']);
      const tokens = await page.$$eval('table.traces tbody tr td.tokens', (cells) =>
        cells.map((c) => c.textContent),
      );
      assert.ok(
        tokens.every((t) => t !== '–' && t !== '0'),
        `tokens shown: ${tokens.join(', ')}`,
      );
      await page.close();
    });
  });
});

describe('a remote OpenObserve that is down', () => {
  it('answers 502 with what to check', async () => {
    const a = await startCli([], {
      cwd: tempDir(),
      env: cleanEnv({
        TOLLGATE_TRACE_STORE: 'off',
        OPENOBSERVE_URL: 'http://127.0.0.1:9/',
        OPENOBSERVE_TIMEOUT: '2',
      }),
    });
    try {
      const res = await fetch(`${a.url}/api/default/default/traces/latest?start_time=1&end_time=1`);
      assert.equal(res.status, 502);
      assert.deepEqual(await res.json(), {
        code: 502,
        message:
          'OpenObserve at http://127.0.0.1:9 refused the connection: is it running there (OPENOBSERVE_URL)?',
      });
      const rule = await fetch(`${a.url}/api/v2/default/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'down', metric: 'error_rate', threshold: 0.5 }),
      });
      assert.equal(rule.status, 200);
      const evaluated = await fetch(`${a.url}/api/v2/default/alerts/down/evaluate`, { method: 'POST' });
      assert.equal(evaluated.status, 502, 'an alert over an OpenObserve that is down is not "not firing"');
      assert.match(((await evaluated.json()) as { message: string }).message, /refused the connection/);
      const ui = await fetch(`${a.url}/ui/`);
      assert.equal(ui.status, 200, 'the UI is served');
      assert.match(ui.headers.get('content-type') ?? '', /text\/html/);
    } finally {
      await a.stop();
    }
  });
});

describe('the forwarded routes without a master key on a non-loopback address', () => {
  it('are closed like the local store, and OpenObserve is never asked', async () => {
    const receiver = await startReceiver();
    const config = testConfig({ host: '0.0.0.0' });
    const logger = pino({ level: 'silent' });
    const registry = new ModelRegistry(config.deployments, config.aliases);
    const app = buildApp({
      config,
      logger,
      version: 'test',
      gateway: createGateway(config, registry, logger),
      registry,
      remote: new RemoteOpenObserve({
        url: receiver.url,
        org: 'default',
        stream: 'default',
        timeoutMs: 2000,
      }),
    });
    try {
      const res = await app.inject({
        method: 'GET',
        url: '/api/default/default/traces/latest',
        headers: { host: '127.0.0.1' },
      });
      assert.equal(res.statusCode, 403);
      // OpenObserve's auth middleware answers in plain text.
      assert.match(res.body, /master key/);
      assert.equal(receiver.requests.length, 0);
    } finally {
      await app.close();
      await receiver.close();
    }
  });
});
