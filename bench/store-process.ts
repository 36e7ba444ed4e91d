// What the store and UI benchmarks share: Tollgate started as `npm start` runs it with a fresh store
// file and nothing else configured, a timer that runs a step several times, and the report's output.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, NODE_BIN, REPO_ROOT, spawnTracked, stopChild, waitForLine } from './child-process.ts';

export interface StoreTollgate {
  origin: string;
  pid: number;
  dbPath: string;
  /** Stops it cleanly (which folds the WAL into the file) and returns; `remove` then deletes the files. */
  stop(): Promise<void>;
  remove(): void;
}

export async function startStoreTollgate(env: NodeJS.ProcessEnv = {}): Promise<StoreTollgate> {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-store-bench-'));
  const dbPath = join(dir, 'traces.db');
  const port = await freePort();
  const child = spawnTracked(
    NODE_BIN,
    ['--max-semi-space-size=8', 'src/cli/main.ts', '--host', '127.0.0.1', '--port', String(port)],
    ['ignore', 'pipe', 'inherit'],
    { ...process.env, OPENOBSERVE_URL: '', TOLLGATE_TRACE_STORE: dbPath, ...env },
  );
  await waitForLine(child, /is listening on/, 20_000);
  return {
    origin: `http://127.0.0.1:${port}`,
    pid: child.pid ?? 0,
    dbPath,
    stop: () => stopChild(child, 30_000),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface Timing {
  label: string;
  p50: number;
  p95: number;
  max: number;
}

/** Runs `step` `runs` times, one after the other, and reports its times in ms. */
export async function timeRuns(label: string, runs: number, step: () => Promise<unknown>): Promise<Timing> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await step();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] as number;
  process.stderr.write(`  ${label}: p50 ${at(0.5).toFixed(1)} ms\n`);
  return { label, p50: at(0.5), p95: at(0.95), max: times.at(-1) as number };
}

/** Prints the markdown report and keeps it in bench/results/ (git-ignored). */
export function publishReport(file: string, report: string): void {
  process.stdout.write(report);
  mkdirSync(join(REPO_ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(join(REPO_ROOT, 'bench', 'results', file), report);
}
