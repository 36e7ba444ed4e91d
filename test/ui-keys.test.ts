/**
 * Virtual keys and spend in the web UI, in a real browser against the real gateway: a key created
 * through the Keys page's form (budget, model, rpm) is shown once, listed with its spend against its
 * budget, spends through a chat call, shows that spend on the Keys page and on the Spend page (by key,
 * by model), and once blocked in the UI is refused; then it is deleted.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { StoreClient } from '../src/store/store-client.ts';
import { dollars } from '../ui/src/format.ts';
import { browserMissing, launchBrowser, screenshotPath } from './helpers/browser.ts';
import { type RunningGateway, startGateway, testConfig } from './helpers/gateway-server.ts';
import { mockDeployment } from './helpers/mock-deployment.ts';

const skip = browserMissing();
const MASTER = 'sk-test-ui-keys-master';
const ALIAS = 'ui-test-key';

// The mock model with prices of its own, so a call has a cost to charge to the key.
const deployments = [
  mockDeployment('demo', { modelInfo: { input_cost_per_token: 0.001, output_cost_per_token: 0.002 } }),
  mockDeployment('other'),
];

/** Retries `check` (after `between`, e.g. a click on Refresh) until it passes or 10 s are up. */
async function eventually(check: () => Promise<void>, between: () => Promise<unknown>): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
      await between();
    }
  }
}

async function keySpend(gateway: RunningGateway, alias: string): Promise<number> {
  const res = await fetch(`${gateway.url}/key/list?return_full_object=true&size=100`, {
    headers: { authorization: `Bearer ${MASTER}` },
  });
  assert.equal(res.status, 200);
  const body = (await res.json()) as { keys: Array<{ key_alias: string | null; spend: number }> };
  const key = body.keys.find((k) => k.key_alias === alias);
  assert.ok(key, `${alias} is listed by the API`);
  return key.spend;
}

describe('keys and spend in the UI', { skip }, () => {
  let s: { gateway: RunningGateway; store: StoreClient };
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let fullKey = '';
  let spent = 0;
  const row = () => page.locator(`table.key-table tr[data-alias="${ALIAS}"]`);

  before(async () => {
    // The UI is served beside a trace store; virtual keys live in an SQLite database in memory.
    const store = await StoreClient.start({
      path: ':memory:',
      maxAgeMs: 0,
      maxBytes: 0,
      queryTimeLimitMs: 5000,
      maxBodyBytes: 1024 * 1024,
    });
    const config = testConfig({ deployments, masterKey: MASTER });
    s = { store, gateway: await startGateway(config, undefined, store, undefined, {}) };
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: s.gateway.url });
    page = await context.newPage();
  });
  after(async () => {
    await context?.close();
    await browser?.close();
    await s?.gateway.close();
    await s?.store.close();
  });

  it('creates a key with a budget, a model and an rpm limit, and shows the full key once', async () => {
    await page.goto(`${s.gateway.url}/ui/#/keys`);
    await page.fill('form.key-prompt input[name=key]', MASTER);
    await page.click('form.key-prompt button');
    await page.waitForSelector('form.new-key input[name=model][value=demo]');
    await page.fill('form.new-key input[name=key_alias]', ALIAS);
    await page.fill('form.new-key input[name=max_budget]', '1');
    await page.selectOption('form.new-key select[name=budget_duration]', '30d');
    await page.fill('form.new-key input[name=rpm_limit]', '60');
    await page.check('form.new-key input[name=model][value=demo]');
    await page.click('form.new-key button[type=submit]');

    await page.waitForSelector('.created-key code.full-key');
    fullKey = (await page.textContent('.created-key code.full-key')) ?? '';
    assert.match(fullKey, /^sk-\S{16,}$/);
    assert.match((await page.textContent('.created-key')) ?? '', /will not be shown again/);
    await page.click('.created-key button.copy');
    await page.locator('.created-key .copied', { hasText: 'Copied' }).waitFor();
    assert.equal(await page.evaluate('navigator.clipboard.readText()'), fullKey);
    await page.screenshot({ path: screenshotPath('keys-created') });

    await row().waitFor();
    assert.equal(await row().locator('td.key-models').textContent(), 'demo');
    assert.equal(await row().locator('.spend-text').textContent(), '$0.00 of $1.00');
    assert.match((await row().locator('td.limits').textContent()) ?? '', /60 req\/min/);
    assert.equal(await row().locator('.key-state').textContent(), 'active');
    assert.match(
      (await row().locator('td.key-name').textContent()) ?? '',
      new RegExp(`sk-\\.\\.\\.${fullKey.slice(-4)}`),
    );

    await page.click('.created-key button.done');
    await page.reload();
    await row().waitFor();
    assert.ok(!(await page.content()).includes(fullKey), 'the full key is never shown again');
  });

  it("shows the key's spend against its budget after a chat call with it", async () => {
    const answer = await s.gateway.client(fullKey).chat.completions.create({
      model: 'demo',
      messages: [{ role: 'user', content: 'ui-keys spend' }],
      tags: ['ui-tag'],
    } as never);
    assert.ok(answer.usage);
    const cost = answer.usage.prompt_tokens * 0.001 + answer.usage.completion_tokens * 0.002;
    await eventually(
      async () => {
        spent = await keySpend(s.gateway, ALIAS);
        assert.ok(Math.abs(spent - cost) < 1e-9, `spend ${spent} is the call's cost ${cost}`);
      },
      async () => {},
    );
    await eventually(
      async () =>
        assert.equal(await row().locator('.spend-text').textContent(), `${dollars(spent)} of $1.00`),
      () => page.click('section.keys button.refresh'),
    );
    const style = (await row().locator('.budget-fill').getAttribute('style')) ?? '';
    const width = Number(/width:\s*([\d.]+)%/.exec(style)?.[1]);
    assert.ok(width > 0, `the budget bar shows the spend (${style})`);
    await page.screenshot({ path: screenshotPath('keys') });
  });

  it('shows the spend on the Spend page, by key and by model', async () => {
    await page.goto(`${s.gateway.url}/ui/#/spend`);
    const byKey = page.locator(`table.spend-table[data-group-by=api_key] tr[data-label="${ALIAS}"]`);
    await eventually(
      async () =>
        assert.equal(await byKey.locator('td.group-spend').textContent({ timeout: 500 }), dollars(spent)),
      () => page.click('section.spend button.refresh'),
    );
    assert.equal(await page.textContent('[data-field=total-spend] dd'), dollars(spent));
    assert.ok(!(await page.content()).includes(fullKey), 'the Spend page never shows the full key');
    await page.screenshot({ path: screenshotPath('spend') });

    await page.click('.tabs button[data-group=model]');
    const byModel = page.locator('table.spend-table[data-group-by=model] tr[data-group="demo"]');
    await eventually(
      async () =>
        assert.equal(await byModel.locator('td.group-spend').textContent({ timeout: 500 }), dollars(spent)),
      () => page.click('section.spend button.refresh'),
    );
    await page.selectOption('select[name=range]', '30');
    await byModel.waitFor();
    assert.equal(await byModel.locator('td.group-spend').textContent(), dollars(spent));
    const tag = page.locator('table.top-tags tr[data-name="ui-tag"] td.num');
    await eventually(
      async () => assert.equal(await tag.textContent({ timeout: 500 }), dollars(spent), "the call's tag"),
      () => page.click('section.spend button.refresh'),
    );
  });

  it('blocks the key in the UI, after which the gateway refuses it; then deletes it', async () => {
    await page.goto(`${s.gateway.url}/ui/#/keys`);
    await row().locator('button.block').click();
    await row().locator('.key-state', { hasText: 'blocked' }).waitFor();
    const refused = await fetch(`${s.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fullKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'demo', messages: [{ role: 'user', content: 'blocked?' }] }),
    });
    assert.equal(refused.status, 401);
    assert.equal(await keySpend(s.gateway, ALIAS), spent, 'a refused call spends nothing');

    await row().locator('button.unblock').click();
    await row().locator('.key-state', { hasText: 'active' }).waitFor();
    await row().locator('button.block').click();
    await row().locator('.key-state', { hasText: 'blocked' }).waitFor();

    await row().locator('button.delete').click();
    await row().locator('button.confirm-delete').click();
    await page.locator('.notice', { hasText: `${ALIAS} deleted` }).waitFor();
    await row().waitFor({ state: 'detached' });
    const gone = await fetch(`${s.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fullKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'demo', messages: [{ role: 'user', content: 'deleted?' }] }),
    });
    assert.equal(gone.status, 401);
  });
});
