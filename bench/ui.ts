// `npm run bench:ui`: the web UI with 100,000 traces stored (200,000 spans over the last four hours),
// in Debian's Chromium driven by playwright-core, against Tollgate started as a user would. Times from
// navigation to what the user waits for: the trace list's rows, a filtered list, an opened trace's
// waterfall, the Models page's table. Prints a markdown table (also bench/results/ui-latest.md).
import { Agent, request } from 'undici';
import { launchBrowser } from '../test/helpers/browser.ts';
import { encodeBatches } from './store-batches.ts';
import { publishReport, startStoreTollgate, timeRuns } from './store-process.ts';

const TRACES = Number(process.argv.find((a) => a.startsWith('--traces='))?.split('=')[1] ?? 100_000);
const RUNS = 7;
const log = (line: string) => void process.stderr.write(`${line}\n`);

const tollgate = await startStoreTollgate();
const { origin } = tollgate;

log(`storing ${TRACES.toLocaleString('en')} traces…`);
const dispatcher = new Agent({ connections: 4 });
const { batches } = encodeBatches(Math.ceil((TRACES * 2) / 512), 512);
let next = 0;
await Promise.all(
  Array.from({ length: 4 }, async () => {
    while (next < batches.length) {
      const res = await request(`${origin}/api/default/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body: batches[next++],
        dispatcher,
      });
      await res.body.dump();
    }
  }),
);

const browser = await launchBrowser();
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
/** Polls from Node (the page's own globals are not typed here) every 10 ms, for at most 10 s. */
async function until(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const timed = (label: string, step: () => Promise<unknown>) => timeRuns(label, RUNS, step);

const results = [
  await timed('Traces page, last hour: first rows shown', async () => {
    await page.goto(`${origin}/ui/#/traces`);
    await page.reload();
    await page.waitForSelector('table.traces tbody tr');
  }),
  await timed("filter to model 'gpt-4o': rows updated", async () => {
    await page.goto(`${origin}/ui/#/traces`);
    await page.reload();
    await page.waitForSelector('table.traces tbody tr');
    await page
      .locator('select[name=model] option', { hasText: 'gpt-4o-mini' })
      .waitFor({ state: 'attached' });
    await page.selectOption('select[name=model]', 'gpt-4o');
    await until(async () => {
      const cells = await page.$$eval('table.traces tbody td.model', (tds) => tds.map((c) => c.textContent));
      return cells.length > 0 && cells.every((c) => c === 'gpt-4o');
    });
  }),
  await timed('open a trace: waterfall shown', async () => {
    await page.goto(`${origin}/ui/#/traces`);
    await page.waitForSelector('table.traces tbody tr');
    await page.click('table.traces tbody tr:nth-child(3)');
    await page.waitForSelector('.waterfall .span-row');
  }),
  await timed('next page of traces', async () => {
    await page.goto(`${origin}/ui/#/traces`);
    await page.waitForSelector('table.traces tbody tr');
    const first = await page.getAttribute('table.traces tbody tr', 'data-trace-id');
    await page.click('.pager button:last-child');
    await until(async () => (await page.getAttribute('table.traces tbody tr', 'data-trace-id')) !== first);
  }),
  await timed('Models page, last 24 hours: table shown', async () => {
    await page.goto(`${origin}/ui/#/models`);
    await page.reload();
    await page.selectOption('select[name=range]', '1440');
    await page.waitForSelector('table.model-table tbody tr');
  }),
];

await browser.close();
await tollgate.stop();
tollgate.remove();
const report = [
  `## Web UI with ${TRACES.toLocaleString('en')} traces (${(TRACES * 2).toLocaleString('en')} spans), ${new Date().toISOString().slice(0, 16)}Z`,
  '',
  `| what the user waits for (${RUNS} runs) | p50 | slowest |`,
  '|---|---:|---:|',
  ...results.map((r) => `| ${r.label} | ${r.p50.toFixed(0)} ms | ${r.max.toFixed(0)} ms |`),
  '',
].join('\n');
publishReport('ui-latest.md', report);
process.exit(0);
