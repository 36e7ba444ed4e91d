/** Runs the real `tollgate` command as a child process, as a user would start it. */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/** An environment without the developer's provider keys, so tests never reach a real provider. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // An in-memory trace store unless a test asks for a file, so no test leaves a database behind.
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TOLLGATE_TRACE_STORE: ':memory:',
    ...extra,
  };
  return env;
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a one-shot command (`--help`, `--validate_config`, …) to completion. */
export async function runCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Finished> {
  const child = spawn(process.execPath, [MAIN, ...args], {
    cwd: options.cwd,
    env: options.env ?? cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = collect(child);
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, ...out() };
}

export interface Server {
  url: string;
  /** The gateway's process id (the primary's, with --num_workers). */
  pid: number;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts the gateway on a free port and waits until it answers its liveness probe. */
export async function startCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Server> {
  const child = spawn(process.execPath, [MAIN, '--host', '127.0.0.1', '--port', '0', ...args], {
    cwd: options.cwd,
    env: options.env ?? cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = collect(child);
  const deadline = Date.now() + 15_000;
  let url: string | undefined;
  while (url === undefined) {
    const match = /is listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out().stdout);
    if (match) url = `http://127.0.0.1:${match[1]}`;
    else if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`tollgate did not start:\n${out().stderr}`);
    else await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    pid: child.pid ?? 0,
    output: () => `${out().stdout}${out().stderr}`,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      const [code] = (await once(child, 'exit')) as [number | null];
      return code;
    },
  };
}

function collect(child: ChildProcess) {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return () => ({ stdout, stderr });
}
