// The mock upstream in its own process: sharing the generator's event loop would let the two
// slow each other down and would hide the mock's CPU cost inside the generator's.
import type { ChildProcess } from 'node:child_process';
import { NODE_BIN, spawnTracked, stopChild, waitForLine } from './child-process.ts';

export interface MockProcessOptions {
  delay: number;
  chunkDelay?: number;
  chunks?: number;
}

export interface MockProcess {
  port: number;
  pid: number;
  /** Base URL to give a gateway, e.g. http://127.0.0.1:PORT/v1 */
  apiBase: string;
  stop(): Promise<void>;
}

export async function startMockProcess(opts: MockProcessOptions): Promise<MockProcess> {
  const args = ['bench/mock-upstream.ts', '--port', '0', '--delay', String(opts.delay)];
  if (opts.chunkDelay !== undefined) args.push('--chunk-delay', String(opts.chunkDelay));
  if (opts.chunks !== undefined) args.push('--chunks', String(opts.chunks));
  const child: ChildProcess = spawnTracked(NODE_BIN, args, ['ignore', 'pipe', 'inherit']);
  const match = await waitForLine(child, /listening (\d+)/, 10_000);
  const port = Number(match[1]);
  if (child.pid === undefined) throw new Error('mock upstream has no pid');
  return {
    port,
    pid: child.pid,
    apiBase: `http://127.0.0.1:${port}/v1`,
    stop: () => stopChild(child),
  };
}
