// `npm run bench:ui`: the web UI with 100,000 traces stored (200,000 spans over the last four hours),
// in Debian's Chromium driven by playwright-core, against Tollgate started as a user would. Times from
// navigation to what the user waits for: the trace list's rows, a filtered list, an opened trace's
// waterfall, the Models page's table. Prints a markdown table (also bench/results/ui-latest.md).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { launchBrowser } from '../test/helpers/browser.ts';
import { freePort, NODE_BIN, REPO_ROOT, spawnTracked, stopChild, waitForLine } from './child-process.ts';
import { encodeBatches } from './store-batches.ts';

const TRACES = Number(process.argv.find((a) => a.startsWith('--traces='))?.split('=')[1] ?? 100_000);
const RUNS = 7;
const log = (line: string) => void process.stderr.write(`${line}\n`);

const dir = mkdtempSync(join(tmpdir(), 'tollgate-ui-bench-'));
const port = await freePort();
const origin = `http://127.0.0.1:${port}`;
const child = spawnTracked(
  NODE_BIN,
  ['--max-semi-space-size=8', 'src/cli/main.ts', '--host', '127.0.0.1', '--port', String(port)],
  ['ignore', 'pipe', 'inherit'],
  { ...process.env, OPENOBSERVE_URL: '', TOLLGATE_TRACE_STORE: join(dir, 'traces.db') },
);
await waitForLine(child, /is listening on/, 20_000);

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

async function timed(label: string, run: () => Promise<void>) {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const p50 = times[Math.floor(times.length / 2)] as number;
  log(`  ${label}: p50 ${p50.toFixed(0)} ms`);
  return { label, p50, max: times.at(-1) as number };
}

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
await stopChild(child, 30_000);
rmSync(dir, { recursive: true, force: true });
const report = [
  `## Web UI with ${TRACES.toLocaleString('en')} traces (${(TRACES * 2).toLocaleString('en')} spans), ${new Date().toISOString().slice(0, 16)}Z`,
  '',
  `| what the user waits for (${RUNS} runs) | p50 | slowest |`,
  '|---|---:|---:|',
  ...results.map((r) => `| ${r.label} | ${r.p50.toFixed(0)} ms | ${r.max.toFixed(0)} ms |`),
  '',
].join('\n');
process.stdout.write(report);
mkdirSync(join(REPO_ROOT, 'bench', 'results'), { recursive: true });
writeFileSync(join(REPO_ROOT, 'bench', 'results', 'ui-latest.md'), report);
process.exit(0);
