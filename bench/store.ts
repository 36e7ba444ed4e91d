// `npm run bench:store`: the embedded trace store, measured through Tollgate's own port as users
// reach it. Starts Tollgate with a fresh store file, pushes OTLP/protobuf batches of 512 gateway-like
// spans from concurrent senders (sustained spans/s), keeps going to 1,000,000 stored spans, then
// times the searches the UI and users run: one trace by id, the latest 50 traces, and a filter on
// llm_model_name + time range. Prints a markdown report (also bench/results/store-latest.md).
import { readFileSync, statSync } from 'node:fs';
import { Agent, request } from 'undici';
import { encodeBatches } from './store-batches.ts';
import { publishReport, startStoreTollgate, timeRuns } from './store-process.ts';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const TOTAL = Number(args.get('spans') ?? 1_000_000);
// An OpenTelemetry Collector exports with 10 concurrent consumers by default; 8 is as many here.
const SENDERS = Number(args.get('senders') ?? 8);
const BATCH = 512;
const RUNS = Number(args.get('runs') ?? 21);
const log = (line: string) => void process.stderr.write(`${line}\n`);

const tollgate = await startStoreTollgate({ TOLLGATE_TRACE_STORE_MAX_MB: '0' });
const { origin, dbPath } = tollgate;
const dispatcher = new Agent({ connections: SENDERS, pipelining: 1 });

log(`encoding ${Math.ceil(TOTAL / BATCH)} batches of ${BATCH} spans…`);
const { batches, sampleTraceIds, models } = encodeBatches(Math.ceil(TOTAL / BATCH), BATCH);

async function post(body: Uint8Array): Promise<void> {
  const res = await request(`${origin}/api/default/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf' },
    body,
    dispatcher,
  });
  await res.body.dump();
  if (res.statusCode !== 200) throw new Error(`ingest answered ${res.statusCode}`);
}

// Ingest: each sender takes the next batch until all are sent; spans/s per 5-second window.
let next = 0;
let stored = 0;
const windows: number[] = [];
const started = performance.now();
let windowStart = started;
let windowSpans = 0;
await Promise.all(
  Array.from({ length: SENDERS }, async () => {
    while (next < batches.length) {
      const body = batches[next++] as Uint8Array;
      await post(body);
      stored += BATCH;
      windowSpans += BATCH;
      const now = performance.now();
      if (now - windowStart >= 5000) {
        windows.push((windowSpans / (now - windowStart)) * 1000);
        log(`  ${stored} spans stored, ${Math.round(windows.at(-1) ?? 0)} spans/s`);
        windowStart = now;
        windowSpans = 0;
      }
    }
  }),
);
const ingestSeconds = (performance.now() - started) / 1000;
const overall = stored / ingestSeconds;

const timed = (label: string, step: () => Promise<unknown>) => timeRuns(label, RUNS, step);

async function getJson(path: string, body?: unknown): Promise<{ hits: unknown[] }> {
  const res = await request(`${origin}${path}`, {
    method: body ? 'POST' : 'GET',
    headers: { 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = (await res.body.json()) as { hits: unknown[] };
  if (res.statusCode !== 200) throw new Error(`${path} answered ${res.statusCode}: ${JSON.stringify(json)}`);
  return json;
}

const nowUs = Date.now() * 1000;
const hourUs = 3_600_000_000;
let pick = 0;
const traceId = () => sampleTraceIds[pick++ % sampleTraceIds.length] as string;
log('searching…');
const results = [
  await timed('trace by id (traces/{id}/details)', async () => {
    const { hits } = await getJson(`/api/default/default/traces/${traceId()}/details`);
    if (hits.length === 0) throw new Error('trace not found');
  }),
  await timed('trace by id (_search WHERE trace_id = …)', () =>
    getJson('/api/default/_search?type=traces', {
      query: {
        sql: `SELECT * FROM "default" WHERE trace_id = '${traceId()}'`,
        start_time: 0,
        end_time: nowUs + hourUs,
      },
    }),
  ),
  await timed('latest 50 traces (traces/latest)', () =>
    getJson(
      `/api/default/default/traces/latest?size=50&start_time=${nowUs - 6 * hourUs}&end_time=${nowUs + hourUs}`,
    ),
  ),
  await timed("latest 50 traces, filter operation_name = 'ChatCompletion'", () =>
    getJson(
      `/api/default/default/traces/latest?size=50&filter=${encodeURIComponent("operation_name = 'ChatCompletion'")}&start_time=${nowUs - 6 * hourUs}&end_time=${nowUs + hourUs}`,
    ),
  ),
  await timed(`llm_model_name = '${models[1]}' over the last hour (100 newest spans)`, () =>
    getJson('/api/default/_search?type=traces', {
      query: {
        sql: `SELECT * FROM "default" WHERE llm_model_name = '${models[1]}'`,
        start_time: nowUs - hourUs,
        end_time: nowUs + hourUs,
        size: 100,
      },
    }),
  ),
  await timed(`count of llm_model_name = '${models[1]}' over the last hour`, () =>
    getJson('/api/default/_search?type=traces', {
      query: {
        sql: `SELECT count(*) AS n FROM "default" WHERE llm_model_name = '${models[1]}'`,
        start_time: nowUs - hourUs,
        end_time: nowUs + hourUs,
      },
    }),
  ),
];

// The UI's Models page over every stored span (last 24 hours, 30-minute chart buckets), from the rollups.
results.push(
  await timed('Models page (GET …/models, last 24 hours: table and charts)', () =>
    getJson(
      `/api/default/default/models?start_time=${nowUs - 24 * hourUs}&end_time=${nowUs + hourUs}&bucket_minutes=30`,
    ),
  ),
);

const rss =
  Number(readFileSync(`/proc/${tollgate.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)?.[1] ?? 0) / 1024;
// Size at rest: a clean stop folds the WAL into the file; indexes are included.
await tollgate.stop();
const fileBytes = ['', '-wal'].reduce(
  (sum, s) => sum + (statSync(`${dbPath}${s}`, { throwIfNoEntry: false })?.size ?? 0),
  0,
);
tollgate.remove();

const median = [...windows].sort((a, b) => a - b)[Math.floor(windows.length / 2)] ?? overall;
const report = [
  `## Trace store (${new Date().toISOString().slice(0, 16)}Z, ${stored.toLocaleString('en')} spans)`,
  '',
  `- Ingest over OTLP/protobuf, batches of ${BATCH}, ${SENDERS} concurrent senders: **${Math.round(overall).toLocaleString('en')} spans/s** overall, median 5-s window ${Math.round(median).toLocaleString('en')} spans/s (${ingestSeconds.toFixed(1)} s in all).`,
  `- Stored size: ${(fileBytes / 1024 / 1024).toFixed(0)} MB for ${stored.toLocaleString('en')} spans = **${Math.round(fileBytes / stored)} bytes per span** (indexes included).`,
  `- Gateway RSS after ingest and searches: ${rss.toFixed(0)} MB.`,
  '',
  `| search over ${stored.toLocaleString('en')} spans (${RUNS} runs) | p50 | p95 |`,
  '|---|---:|---:|',
  ...results.map((r) => `| ${r.label} | ${r.p50.toFixed(1)} ms | ${r.p95.toFixed(1)} ms |`),
  '',
].join('\n');
publishReport('store-latest.md', report);
process.exit(0);
