// Starting and stopping the servers under test as child processes, so that each has its own
// event loop and its own RSS and CPU figures, as in production.
import type { ChildProcess, StdioOptions } from 'node:child_process';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The repo's pinned Node 24 (the system node may be older and cannot strip types). */
export const NODE_BIN = join(REPO_ROOT, 'node_modules', '.bin', 'node');

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Never leave servers behind, whatever way the bench ends. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => process.exit(130));
  }
}

export function spawnTracked(
  command: string,
  args: string[],
  stdio: StdioOptions,
  env: NodeJS.ProcessEnv = process.env,
): ChildProcess {
  installExitHook();
  const child = spawn(command, args, { cwd: REPO_ROOT, stdio, env });
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** SIGTERM, then SIGKILL if the process has not exited after graceMs. */
export function stopChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Resolves with the first stdout line matching re (e.g. `listening <port>`). */
export function waitForLine(child: ChildProcess, re: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(
      () => done(new Error(`no line matching ${re} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString('utf8');
      const match = buffered.match(re);
      if (match) done(undefined, match);
    };
    const onExit = (code: number | null): void => done(new Error(`exited (code ${code}) before ${re}`));
    const done = (err?: Error, match?: RegExpMatchArray): void => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      if (match) resolve(match);
      else reject(err);
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

/** A port that was free a moment ago (the usual small race; fine on a bench box). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
