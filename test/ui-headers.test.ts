/**
 * The UI's pages and files carry the headers that keep other sites from framing it, injecting script
 * into it or having its files sniffed as another type (issue 14, point 12).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testConfig } from './helpers/gateway-server.ts';
import { mockDeployment } from './helpers/mock-deployment.ts';
import { type StoreGateway, startStoreGateway } from './helpers/store-gateway.ts';

describe('UI security headers', () => {
  let s: StoreGateway;
  before(async () => {
    s = await startStoreGateway(testConfig({ deployments: [mockDeployment('demo')] }));
  });
  after(() => s.close());

  it('sends CSP, frame and sniffing protection with the page and its assets', async () => {
    const page = await fetch(`${s.gateway.url}/ui/`);
    assert.equal(page.status, 200);
    const html = await page.text();
    const asset = html.match(/src="(\/ui\/assets\/[^"]+\.js)"/)?.[1];
    assert.ok(asset, 'the page names its script');
    for (const response of [
      page,
      await fetch(`${s.gateway.url}${asset}`),
      await fetch(`${s.gateway.url}/ui`),
    ]) {
      const csp = response.headers.get('content-security-policy') ?? '';
      assert.match(csp, /frame-ancestors 'none'/);
      assert.match(csp, /script-src 'self'/);
      assert.equal(response.headers.get('x-frame-options'), 'DENY');
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    }
  });
});
