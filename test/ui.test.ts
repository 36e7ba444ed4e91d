/**
 * The web UI in a real browser: traffic through the gateway (the demo model and a deployment that
 * fails), then the trace list filtered to ChatCompletion, one trace opened, and its model and token
 * counts read against what the API answered. With a master key the UI asks for it once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserMissing, launchBrowser, screenshotPath } from './helpers/browser.ts';
import { deployment, testConfig } from './helpers/gateway-server.ts';
import { mockDeployment } from './helpers/mock-deployment.ts';
import { type StoreGateway, startStoreGateway } from './helpers/store-gateway.ts';
import { startWebhookReceiver, type WebhookReceiver } from './helpers/webhook-receiver.ts';

const skip = browserMissing();
const KEY = 'sk-test-ui-master-key';

const deployments = [
  mockDeployment('demo'),
  // Nothing listens on port 9: every call fails, as a broken provider would.
  deployment({
    modelName: 'broken',
    model: 'gpt-4o-mini',
    apiBase: 'http://127.0.0.1:9/v1',
    apiKey: 'sk-test-x',
  }),
];

async function traffic(s: StoreGateway, key?: string) {
  const client = s.gateway.client(key);
  const answers = [];
  for (const topic of ['tracing', 'latency', 'tokens']) {
    answers.push(
      await client.chat.completions.create({
        model: 'demo',
        messages: [{ role: 'user', content: `ui-${topic}` }],
      }),
    );
  }
  for (let i = 0; i < 2; i++)
    await client.chat.completions
      .create({ model: 'broken', messages: [{ role: 'user', content: 'x' }] })
      .catch(() => {});
  const headers = key ? { authorization: `Bearer ${key}` } : undefined;
  await s.waitForHits(`SELECT * FROM "default" WHERE operation_name = 'ChatCompletion'`, 5, { headers });
  return answers;
}

async function openPage(browser: Browser, url: string, width = 1280): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 860 } });
  await page.goto(url);
  return page;
}

describe('trace UI', { skip }, () => {
  let s: StoreGateway;
  let browser: Browser;
  let answers: Awaited<ReturnType<typeof traffic>>;
  before(async () => {
    s = await startStoreGateway(testConfig({ deployments }));
    answers = await traffic(s);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await s?.close();
  });

  it('lists ChatCompletion traces and opens one with the tokens and model the API returned', async () => {
    const page = await openPage(browser, `${s.gateway.url}/ui/`);
    await page
      .locator('select[name=operation] option', { hasText: 'ChatCompletion' })
      .waitFor({ state: 'attached' });
    await page.selectOption('select[name=operation]', 'ChatCompletion');
    await page.waitForSelector('table.traces tbody tr');
    const operations = await page.$$eval('table.traces tbody tr td.op', (cells) =>
      cells.map((c) => c.textContent),
    );
    assert.ok(operations.length >= 5);
    assert.ok(operations.every((o) => o === 'ChatCompletion'));
    const models = await page.$$eval('table.traces tbody tr td.model', (cells) =>
      cells.map((c) => c.textContent),
    );
    // A failed call has no response model: the list names the model asked for, as OpenObserve's does.
    assert.ok(models.includes('demo') && models.includes('broken'));
    await page.screenshot({ path: screenshotPath('traces') });

    const answer = answers[1];
    assert.ok(answer?.usage);
    const [span] = await s.waitForHits(
      `SELECT trace_id FROM "default" WHERE input_value LIKE '%ui-latency%'`,
    );
    await page.click(`tr[data-trace-id="${span?.trace_id}"]`);
    await page.waitForSelector('.waterfall .span-row');
    const field = (name: string) => page.textContent(`[data-field=${name}] dd`);
    assert.equal(await field('model'), 'demo');
    assert.equal(await field('total-tokens'), answer.usage.total_tokens.toLocaleString('en-US'));
    assert.equal(await field('prompt-tokens'), answer.usage.prompt_tokens.toLocaleString('en-US'));
    assert.equal(await field('completion-tokens'), answer.usage.completion_tokens.toLocaleString('en-US'));
    const rows = await page.$$eval('.waterfall .span-row .span-name', (cells) =>
      cells.map((c) => c.textContent ?? ''),
    );
    assert.equal(rows.length, 2);
    assert.match(rows[0] ?? '', /ChatCompletion/);
    assert.match(rows[1] ?? '', /upstream mock.*attempt 1/);
    assert.match((await page.textContent('.conversation')) ?? '', /ui-latency/);
    await page.screenshot({ path: screenshotPath('trace') });
    await page.close();
  });

  it("shows each model's requests and error rate on the Models page", async () => {
    const page = await openPage(browser, `${s.gateway.url}/ui/#/models`);
    await page.waitForSelector('table.model-table tr[data-model="gpt-4o-mini"]');
    const cell = (model: string, n: number) =>
      page.textContent(`table.model-table tr[data-model="${model}"] td:nth-child(${n})`);
    assert.equal(await cell('gpt-4o-mini', 2), '2');
    assert.equal(await cell('gpt-4o-mini', 3), '100.0 %');
    assert.equal(await cell('demo', 2), '3');
    assert.equal(await cell('demo', 3), '0.0 %');
    assert.equal(await page.locator('figure.chart').count(), 4);
    await page.screenshot({ path: screenshotPath('models') });
    await page.close();
  });

  it('moves through the list with the keyboard and shows the failing model at a narrow width', async () => {
    const page = await openPage(browser, `${s.gateway.url}/ui/`, 420);
    await page.waitForSelector('table.traces tbody tr');
    await page.keyboard.press('ArrowDown');
    const selected = await page.getAttribute('table.traces tbody tr.selected', 'data-trace-id');
    const second = await page.getAttribute('table.traces tbody tr:nth-child(2)', 'data-trace-id');
    assert.equal(selected, second);
    await page.keyboard.press('Enter');
    await page.waitForSelector('.waterfall');
    assert.match(page.url(), new RegExp(`#/trace/${second}`));
    await page.goto(`${s.gateway.url}/ui/#/traces`);
    await page.selectOption('select[name=status]', 'ERROR');
    const models = () =>
      page.$$eval('table.traces tbody tr td.model', (cells) => cells.map((c) => c.textContent));
    const deadline = Date.now() + 5000;
    const onlyFailing = (ms: Array<string | null>) => ms.length > 0 && ms.every((m) => m === 'broken');
    while (!onlyFailing(await models()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(await models(), ['broken', 'broken'], 'only the failing model errs');
    await page.screenshot({ path: screenshotPath('traces-narrow') });
    await page.close();
  });

  it('shows Messages and Response requests like chat ones: tokens and the conversation', async () => {
    const message = await s.gateway.anthropic().messages.create({
      model: 'demo',
      max_tokens: 100,
      system: 'ui-system-prompt',
      messages: [{ role: 'user', content: 'ui-messages-api' }],
    });
    await s.gateway.client().responses.create({ model: 'demo', input: 'ui-responses-api' });
    for (const [operation, marker, tokens] of [
      ['Messages', 'ui-messages-api', message.usage.output_tokens],
      ['Response', 'ui-responses-api', undefined],
    ] as const) {
      const [span] = await s.waitForHits(
        `SELECT trace_id FROM "default" WHERE input_value LIKE '%${marker}%'`,
      );
      const page = await openPage(browser, `${s.gateway.url}/ui/`);
      await page
        .locator('select[name=operation] option', { hasText: operation })
        .waitFor({ state: 'attached' });
      await page.selectOption('select[name=operation]', operation);
      await page.click(`tr[data-trace-id="${span?.trace_id}"]`);
      await page.waitForSelector('.conversation');
      const conversation = (await page.textContent('.conversation')) ?? '';
      assert.match(conversation, new RegExp(marker));
      assert.match(conversation, /Demo model: set OPENAI_API_KEY/);
      if (tokens !== undefined)
        assert.equal(
          await page.textContent('[data-field=completion-tokens] dd'),
          tokens.toLocaleString('en-US'),
        );
      if (operation === 'Messages') assert.match(conversation, /ui-system-prompt/);
      await page.close();
    }
  });

  it("shows the conversation of a span that has only OpenObserve's gen_ai_*_messages", async () => {
    // A GenAI-instrumented app's span: OpenObserve keeps no llm_*_messages columns for it.
    const traceId = 'c0ffee00c0ffee00c0ffee00c0ffee00';
    const start = BigInt(Date.now()) * 1_000_000n;
    const attribute = (key: string, value: string | number) => ({
      key,
      value: typeof value === 'string' ? { stringValue: value } : { intValue: String(value) },
    });
    const span = {
      traceId,
      spanId: 'c0ffee00c0ffee00',
      name: 'chat claude-3-5-haiku-latest',
      kind: 3,
      startTimeUnixNano: String(start),
      endTimeUnixNano: String(start + 400_000_000n),
      status: { code: 1 },
      attributes: [
        attribute('gen_ai.operation.name', 'chat'),
        attribute('gen_ai.request.model', 'claude-3-5-haiku-latest'),
        attribute(
          'gen_ai.input.messages',
          '[{"role":"user","parts":[{"type":"text","content":"ui-genai-question"}]}]',
        ),
        attribute(
          'gen_ai.output.messages',
          '[{"role":"assistant","parts":[{"type":"text","content":"ui-genai-answer"}]}]',
        ),
        attribute('gen_ai.usage.input_tokens', 12),
        attribute('gen_ai.usage.output_tokens', 5),
      ],
    };
    const resource = { attributes: [attribute('service.name', 'genai-app')] };
    const res = await fetch(`${s.gateway.url}/api/default/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        resourceSpans: [{ resource, scopeSpans: [{ scope: { name: 'app' }, spans: [span] }] }],
      }),
    });
    assert.equal(res.status, 200);
    const page = await openPage(browser, `${s.gateway.url}/ui/`);
    await page.click(`tr[data-trace-id="${traceId}"]`);
    await page.waitForSelector('.conversation');
    const conversation = (await page.textContent('.conversation')) ?? '';
    assert.match(conversation, /user\s*ui-genai-question/);
    assert.match(conversation, /assistant\s*ui-genai-answer/);
    await page.close();
  });
});

describe('alerts in the UI', { skip }, () => {
  let s: StoreGateway;
  let browser: Browser;
  let hook: WebhookReceiver;
  before(async () => {
    // The webhook receiver is on this host: loopback, refused unless allowed.
    s = await startStoreGateway(testConfig({ deployments, webhookAllowedHosts: ['127.0.0.1'] }));
    browser = await launchBrowser();
    hook = await startWebhookReceiver();
  });
  after(async () => {
    await browser?.close();
    await s?.close();
    await hook?.close();
  });

  it('creates an error-rate alert to a webhook, and the webhook is called once with the template', async () => {
    const page = await openPage(browser, `${s.gateway.url}/ui/#/alerts`);
    await page.waitForSelector('form.new-rule');
    await page.fill('form.new-rule input[name=name]', 'broken-errors');
    await page.fill('form.new-rule input[name=threshold]', '0.5');
    await page.fill('form.new-rule input[name=webhook]', hook.url);
    await page.fill(
      'form.new-rule textarea[name=template]',
      '{"text":"{alert_name} {alert_type} for {model}: {value}"}',
    );
    await page.click('form.new-rule button[type=submit]');
    await page.waitForSelector('tr[data-rule="broken-errors"]');

    await traffic(s);
    await page.click('tr[data-rule="broken-errors"] button.evaluate');
    // The notice already says "created": wait for the evaluation's own words, not just any notice.
    await page.locator('.notice', { hasText: 'firing for gpt-4o-mini' }).waitFor({ timeout: 5000 });
    await page.click('tr[data-rule="broken-errors"] button.evaluate');
    await page.waitForSelector('table.history tbody tr');
    assert.deepEqual(
      hook.calls.map((c) => JSON.parse(c.body)),
      [{ text: 'broken-errors firing for gpt-4o-mini: 1' }],
    );
    assert.equal(await page.locator('table.history tbody tr').count(), 1);
    await page.screenshot({ path: screenshotPath('alerts') });
    await page.close();
  });
});

describe('trace UI with a master key', { skip }, () => {
  let s: StoreGateway;
  let browser: Browser;
  before(async () => {
    s = await startStoreGateway(testConfig({ deployments, masterKey: KEY }));
    await traffic(s, KEY);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await s?.close();
  });

  it('asks for the key once, then shows the traces', async () => {
    const page = await openPage(browser, `${s.gateway.url}/ui/`);
    await page.waitForSelector('form.key-prompt');
    assert.equal(await page.$('table.traces'), null, 'nothing is shown without the key');
    await page.fill('input[name=key]', 'sk-test-wrong');
    await page.click('form.key-prompt button');
    await page.waitForSelector('form.key-prompt');
    await page.fill('input[name=key]', KEY);
    await page.click('form.key-prompt button');
    await page.waitForSelector('table.traces tbody tr');
    await page.reload();
    await page.waitForSelector('table.traces tbody tr');
    await page.close();
  });
});
