/**
 * Abuse, in a real browser: a page of another site attacks a gateway without a master key on
 * 127.0.0.1, as issue 14 did. Chromium maps *.example to 127.0.0.1, so a page at
 * http://evil.example:<port> is another site, and http://rebind.example:<gateway port> is a DNS
 * rebinding of the gateway. What the page sends without a preflight (text/plain bodies, `no-cors`) and
 * with one is refused, and nothing reaches the upstream or the alert rules; a rebound page gets 403. A
 * configured origin calls the gateway and reads its answer and headers.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { GatewayConfig } from '../src/config/types.ts';
import { browserMissing, launchBrowser } from './helpers/browser.ts';
import { deployment, testConfig } from './helpers/gateway-server.ts';
import { type MockUpstream, startMockUpstream } from './helpers/mock-upstream.ts';
import { type StoreGateway, startStoreGateway } from './helpers/store-gateway.ts';

const skip = browserMissing();
const CHAT = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });

/** The attacker's (or the configured app's) site: one empty page. */
async function startSite(): Promise<{ server: Server; port: number }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>site</title>');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port };
}

describe('a page of another site, in Chromium', { skip }, () => {
  let browser: Browser;
  let upstream: MockUpstream;
  let site: { server: Server; port: number };
  const gateways: StoreGateway[] = [];

  const gateway = async (extra: Partial<GatewayConfig>) => {
    const model = deployment({
      modelName: 'gpt-4o-mini',
      model: 'gpt-4o-mini',
      apiBase: upstream.url,
      apiKey: 'sk-up',
    });
    const s = await startStoreGateway(testConfig({ deployments: [model], ...extra }));
    gateways.push(s);
    return s;
  };
  const visit = async (url: string): Promise<Page> => {
    const page = await browser.newPage();
    await page.goto(url);
    return page;
  };

  before(async () => {
    upstream = await startMockUpstream();
    site = await startSite();
    browser = await launchBrowser(['--host-resolver-rules=MAP *.example 127.0.0.1']);
  });
  after(async () => {
    await browser?.close();
    for (const s of gateways) await s.close();
    site?.server.close();
    await upstream?.close();
  });

  it('cannot create a webhook, an alert rule or a chat completion without a master key', async () => {
    const s = await gateway({});
    const page = await visit(`http://evil.example:${site.port}/`);
    const outcomes = await page.evaluate(
      async ({ gw, chat }) => {
        const hook = JSON.stringify({ name: 'evil-hook', url: 'https://hooks.example.com/x' });
        const tries = [
          // Simple requests: the browser sends them without asking, and shows the page nothing back.
          fetch(`${gw}/api/default/alerts/destinations`, { method: 'POST', mode: 'no-cors', body: hook }),
          fetch(`${gw}/v1/chat/completions`, { method: 'POST', mode: 'no-cors', body: chat }),
          fetch(`${gw}/api/default/v1/traces`, {
            method: 'POST',
            mode: 'no-cors',
            body: '{"resourceSpans":[]}',
          }),
          // JSON needs a preflight, which must fail.
          fetch(`${gw}/api/v2/default/alerts`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ name: 'evil-rule' }),
          }),
          fetch(`${gw}/v1/chat/completions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: chat,
          }),
        ];
        return Promise.all(
          tries.map((t) =>
            t.then(
              (r) => r.type,
              (e: Error) => e.name,
            ),
          ),
        );
      },
      { gw: s.gateway.url, chat: CHAT },
    );
    assert.deepEqual(outcomes, ['opaque', 'opaque', 'opaque', 'TypeError', 'TypeError']);
    const destinations = (await (await fetch(`${s.gateway.url}/api/default/alerts/destinations`)).json()) as {
      list: unknown[];
    };
    assert.deepEqual(destinations.list, [], 'no webhook was created');
    assert.equal(upstream.counts.received, 0, 'the provider key was not used');
    await page.close();
  });

  it('cannot read the store through DNS rebinding', async () => {
    const s = await gateway({});
    const port = new URL(s.gateway.url).port;
    const page = await browser.newPage();
    const response = await page.goto(`http://rebind.example:${port}/ui/`);
    assert.equal(response?.status(), 403);
    const status = await page.evaluate(() =>
      fetch('/api/default/default/traces/latest').then((r) => r.status),
    );
    assert.equal(status, 403);
    await page.close();
  });

  it('lets a configured origin call the gateway and read the answer and its headers', async () => {
    const app = `http://app.example:${site.port}`;
    const s = await gateway({ corsAllowOrigins: [app] });
    const page = await visit(`${app}/`);
    const answer = await page.evaluate(
      async ({ gw, chat }) => {
        const res = await fetch(`${gw}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer anything' },
          body: chat,
        });
        const body = (await res.json()) as { choices: Array<{ message: { content: string } }> };
        return {
          status: res.status,
          group: res.headers.get('x-tollgate-model-group'),
          text: body.choices[0]?.message.content,
        };
      },
      { gw: s.gateway.url, chat: CHAT },
    );
    assert.equal(answer.status, 200);
    assert.equal(answer.group, 'gpt-4o-mini');
    assert.match(answer.text ?? '', /mock upstream/);
    await page.close();
  });
});
