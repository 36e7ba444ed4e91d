// Where Tollgate's memory goes (issue 15): RSS idle, after a short load and with N slow streams open,
// each split by bench/memory-probe.ts into the main thread's heap, the store worker's heap, array
// buffers and the rest (native: SQLite's page cache, malloc, code); and what each module costs to load.
// Run: node bench/memory.ts [--baseline DIR] [--slow-streams 1000] [--duration 3]
//      node bench/memory.ts --modules          (RSS and heap added by each import, in one process)
//      node bench/memory.ts --ingest 400       (OTLP ingest of 400 batches of 512 spans: CPU per span, peak RSS)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { getHeapStatistics } from 'node:v8';
import { freePort, NODE_BIN, REPO_ROOT, spawnTracked, stopChild } from './child-process.ts';
import { sleep } from './clock.ts';
import { chatBody, type Endpoint, JSON_HEADERS } from './endpoint.ts';
import { startMockProcess } from './mock-process.ts';
import { rssMbNow } from './proc-stats.ts';

// The load generators (and undici with them) are imported where they are used, so that the --chain
// child, which measures imports, starts from a bare node.
const generators = () =>
  Promise.all([
    import('./open-loop.ts'),
    import('./closed-loop.ts'),
    import('./slow-streams.ts'),
    import('./wait-live.ts'),
  ]).then(([open, closed, slow, live]) => ({ ...open, ...closed, ...slow, ...live }));

/** What the gateway imports, in about the order it loads them; then what it loads only on demand. */
const MODULES = [
  'pino',
  'fastify',
  'undici',
  'zod',
  'yaml',
  '@opentelemetry/api',
  '@opentelemetry/core',
  '@opentelemetry/resources',
  '@opentelemetry/sdk-trace',
  '@opentelemetry/exporter-trace-otlp-proto',
  '@fastify/static',
  '../src/config/load.ts',
  '../src/gateway/gateway.ts',
  '../src/server/app.ts',
  '../src/telemetry/telemetry.ts',
  '../src/telemetry/store-exporter.ts',
  '../src/store/store-client.ts',
  '../src/alerts/alerts.ts',
  '(loaded on demand)',
  '@pydantic/genai-prices',
  'gpt-tokenizer/encoding/o200k_base',
  'redis',
];

/** What bench/memory-probe.mjs writes. */
interface HeapFigures {
  /** Committed by V8 (what RSS sees, give or take pages never touched). */
  totalMb: number;
  usedMb: number;
  externalMb: number;
  mallocedMb: number;
}

interface ProbeDump {
  rssMb: number;
  rssAnonMb: number;
  rssFileMb: number;
  main: HeapFigures & { arrayBuffersMb: number; spaces: Record<string, { sizeMb: number; usedMb: number }> };
  workers: HeapFigures[];
}

interface Phase {
  name: string;
  rssMb: number;
  dump?: ProbeDump;
}

const f0 = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '–');
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');

/** `npm start` of a checkout: its Node flags and its entry, so the gateway is measured as users run it. */
function startCommand(root: string): { flags: string[]; entry: string } {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const [, ...tokens] = pkg.scripts.start.split(/\s+/);
  const entry = tokens.find((t) => !t.startsWith('--')) ?? 'src/cli/main.ts';
  return { flags: tokens.filter((t) => t.startsWith('--')), entry: join(root, entry) };
}

async function probe(pid: number, file: string): Promise<ProbeDump | undefined> {
  rmSync(file, { force: true });
  process.kill(pid, 'SIGUSR2');
  for (let i = 0; i < 50; i++) {
    await sleep(100);
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as ProbeDump;
    } catch {
      // not written yet
    }
  }
  return undefined;
}

interface Gateway {
  pid: number;
  origin: string;
  probeFile: string;
  stop(): Promise<void>;
}

async function startGateway(root: string, dir: string, config: string | undefined): Promise<Gateway> {
  const port = await freePort();
  const probeFile = join(dir, `probe-${port}.json`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    OPENOBSERVE_URL: '',
    OPENAI_API_KEY: '',
    TOLLGATE_TRACE_STORE: join(dir, `store-${port}.db`),
    TOLLGATE_MEMORY_PROBE: probeFile,
  };
  const { flags, entry } = startCommand(root);
  const args = [...flags, '--import', './bench/memory-probe.mjs', entry, '--port', String(port)];
  if (config) args.push('--config', config);
  const child = spawnTracked(
    NODE_BIN,
    [...args, '--host', '127.0.0.1'],
    ['ignore', 'ignore', 'inherit'],
    env,
  );
  const origin = `http://127.0.0.1:${port}`;
  const { waitUntilLive } = await generators();
  await waitUntilLive('gateway', child, `${origin}/health/liveliness`, '/dev/null');
  if (child.pid === undefined) throw new Error('gateway has no pid');
  return { pid: child.pid, origin, probeFile, stop: () => stopChild(child) };
}

function endpoint(origin: string, model: string, stream: boolean): Endpoint {
  return { origin, path: '/v1/chat/completions', headers: JSON_HEADERS, body: chatBody(model, stream) };
}

/** Idle, then a short load (open loop plain and streamed, closed loop), then N slow streams. */
async function measureTarget(
  root: string,
  dir: string,
  config: string,
  o: { durationS: number; rate: number; slowStreams: number },
): Promise<Phase[]> {
  const { runOpenLoop, runClosedLoop, runSlowStreams } = await generators();
  // A first start fills Node's compile cache (when the checkout uses it): measured are the starts after.
  await (await startGateway(root, dir, undefined)).stop();
  const demo = await startGateway(root, dir, undefined);
  await sleep(2000);
  const phases: Phase[] = [
    { name: 'idle, demo model', rssMb: rssMbNow(demo.pid), dump: await probe(demo.pid, demo.probeFile) },
  ];
  await demo.stop();
  const g = await startGateway(root, dir, config);
  await sleep(2000);
  phases.push({ name: 'idle, openai → mock', rssMb: rssMbNow(g.pid), dump: await probe(g.pid, g.probeFile) });
  let peak = 0;
  const load = { durationS: o.durationS, warmupS: 1 };
  for (const stream of [false, true]) {
    await runOpenLoop({ endpoint: endpoint(g.origin, 'bench', stream), rate: o.rate, ...load });
    peak = Math.max(peak, rssMbNow(g.pid));
    await runClosedLoop({ endpoint: endpoint(g.origin, 'bench', stream), connections: 50, ...load });
    peak = Math.max(peak, rssMbNow(g.pid));
  }
  phases.push({ name: 'peak after load', rssMb: peak, dump: await probe(g.pid, g.probeFile) });
  await sleep(2000);
  phases.push({ name: 'after load, 2 s later', rssMb: rssMbNow(g.pid) });
  if (o.slowStreams > 0) {
    // Probed 3 s in: past the 1 s ramp, every stream open and ~2 s from its end.
    const during = sleep(3000).then(() => probe(g.pid, g.probeFile));
    const r = await runSlowStreams({
      endpoint: endpoint(g.origin, 'bench-trickle', true),
      clients: o.slowStreams,
      pid: g.pid,
    });
    const errors = r.errors ? `, ${r.errors} errors: ${r.firstError}` : '';
    phases.push({
      name: `${o.slowStreams} slow streams (${r.maxOpen} open${errors})`,
      rssMb: r.peakRssMb,
      dump: await during,
    });
  }
  await g.stop();
  return phases;
}

function phaseRows(label: string, phases: Phase[]): string[] {
  return phases.map((p) => {
    const d = p.dump;
    const w = d?.workers.reduce((sum, x) => sum + x.totalMb, 0) ?? Number.NaN;
    const heap = d ? d.main.totalMb : Number.NaN;
    const rest = d ? d.rssAnonMb - heap - w - d.main.arrayBuffersMb : Number.NaN;
    const cells = d
      ? [f0(heap), f1(d.main.usedMb), f0(w), f1(d.main.arrayBuffersMb), f0(d.rssFileMb), f0(rest)]
      : ['', '', '', '', '', ''];
    return `| ${label} | ${p.name} | ${f0(p.rssMb)} | ${cells.join(' | ')} |`;
  });
}

async function measure(values: {
  baseline?: string;
  duration: string;
  rate: string;
  'slow-streams': string;
}) {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-memory-'));
  const fast = await startMockProcess({ delay: 0 });
  // As bench/run.ts: 48 content events 100 ms apart, ~5 s per stream.
  const trickle = await startMockProcess({ delay: 0, chunkDelay: 100, chunks: 48 });
  const config = join(dir, 'config.yaml');
  const entryFor = (api: string, name: string) => [
    `  - model_name: ${name}`,
    '    litellm_params:',
    '      model: openai/bench',
    `      api_base: ${api}`,
    '      api_key: sk-test',
  ];
  writeFileSync(
    config,
    [
      'model_list:',
      ...entryFor(fast.apiBase, 'bench'),
      ...entryFor(trickle.apiBase, 'bench-trickle'),
      '',
    ].join('\n'),
  );
  const targets: Array<[string, string]> = [['this checkout', REPO_ROOT]];
  if (values.baseline) targets.unshift(['baseline', values.baseline]);
  const o = {
    durationS: Number(values.duration),
    rate: Number(values.rate),
    slowStreams: Number(values['slow-streams']),
  };
  const rows: string[] = [];
  try {
    for (const [label, root] of targets) {
      process.stderr.write(`measuring ${label} (${root})\n`);
      rows.push(...phaseRows(label, await measureTarget(root, dir, config, o)));
    }
  } finally {
    await fast.stop();
    await trickle.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(
    [
      '| target | phase | RSS MB | main heap MB (committed) | main heap used MB | store worker heap MB | array buffers MB | mapped files MB (code) | rest of anon MB (native: SQLite, malloc) |',
      '|---|---|---|---|---|---|---|---|---|',
      ...rows,
      '',
    ].join('\n'),
  );
}

/**
 * What the store's memory bounds (worker young generation, SQLite cache) cost: OTLP/protobuf batches of
 * 512 spans from 8 senders into a fresh store, the gateway's CPU per 1,000 spans (steadier than spans/s
 * on a shared machine) and its peak RSS.
 */
async function ingest(count: number): Promise<void> {
  const [{ Agent, request }, { encodeBatches }, { startStoreTollgate }, { cpuMs }] = await Promise.all([
    import('undici'),
    import('./store-batches.ts'),
    import('./store-process.ts'),
    import('./proc-stats.ts'),
  ]);
  const { batches } = encodeBatches(count, 512);
  const t = await startStoreTollgate({ TOLLGATE_TRACE_STORE_MAX_MB: '0' });
  await sleep(1000);
  const dispatcher = new Agent({ connections: 8, pipelining: 1 });
  let peak = 0;
  let done = false;
  const sampler = (async () => {
    for (; !done; await sleep(100)) peak = Math.max(peak, rssMbNow(t.pid));
  })();
  const cpu0 = cpuMs(t.pid);
  const t0 = performance.now();
  let next = 0;
  const sender = async () => {
    for (let body = batches[next++]; body; body = batches[next++]) {
      const res = await request(`${t.origin}/api/default/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body,
        dispatcher,
      });
      await res.body.dump();
    }
  };
  await Promise.all(Array.from({ length: 8 }, sender));
  const seconds = (performance.now() - t0) / 1000;
  const perK = ((cpuMs(t.pid) - cpu0) / (count * 512)) * 1000;
  done = true;
  await sampler;
  process.stdout.write(
    `${count * 512} spans: ${f0((count * 512) / seconds)} spans/s, ${f1(perK)} CPU ms per 1,000 spans, peak RSS ${f0(peak)} MB\n`,
  );
  await dispatcher.close();
  await t.stop();
  t.remove();
}

/** In a child started with `npm start`'s flags: imports each module in turn, reporting what it added. */
async function importChain(modules: string[]): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const snap = () => {
    gc?.();
    return { rss: rssMbNow(process.pid), heap: getHeapStatistics().used_heap_size / 1024 / 1024 };
  };
  let prev = snap();
  const lines = [`| node itself (type stripping on) | ${f1(prev.rss)} | ${f1(prev.heap)} | |`];
  for (const m of modules) {
    if (m.startsWith('(')) {
      lines.push(`| *${m}* | | | |`);
      continue;
    }
    const t = performance.now();
    await import(m);
    const s = snap();
    lines.push(
      `| \`${m.replace('../src/', 'src/')}\` | +${f1(s.rss - prev.rss)} | +${f1(s.heap - prev.heap)} | ${f0(performance.now() - t)} |`,
    );
    prev = s;
  }
  process.stdout.write(
    [
      '| import (cumulative, in order) | RSS MB | heap used MB | ms |',
      '|---|---|---|---|',
      ...lines,
      `| total | ${f1(prev.rss)} | ${f1(prev.heap)} | |`,
      '',
    ].join('\n'),
  );
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      baseline: { type: 'string' },
      duration: { type: 'string', default: '3' },
      rate: { type: 'string', default: '200' },
      'slow-streams': { type: 'string', default: '1000' },
      modules: { type: 'boolean', default: false },
      ingest: { type: 'string' },
      chain: { type: 'boolean', default: false },
    },
  });
  if (values.chain) return importChain(positionals);
  if (values.ingest) return ingest(Number(values.ingest));
  if (values.modules) {
    const args = [...startCommand(REPO_ROOT).flags, '--expose-gc', 'bench/memory.ts', '--chain', ...MODULES];
    process.stdout.write(execFileSync(NODE_BIN, args, { cwd: REPO_ROOT, encoding: 'utf8' }));
    return;
  }
  await measure(values);
}

if (import.meta.main) await main();
