/**
 * A gateway with a file-backed trace store in a child process of its own, so a test can kill it (even
 * with SIGKILL, mid-search) and see what it leaves running, and so a test stays bounded when a search
 * holds the store: killing the child ends it all. `startStoreGatewayChild` is the parent's side; run as
 * a script, this is the child.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { StoreClientOptions } from '../../src/store/store-client.ts';
import { testConfig } from './gateway-server.ts';
import { startStoreGateway } from './store-gateway.ts';

export interface StoreGatewayChild {
  url: string;
  /** The gateway process's id. */
  pid: number;
  /** The search processes the gateway's store runs now. */
  searchProcessIds(): Promise<number[]>;
  /** Kills the gateway with `signal` and waits until it has exited. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

export async function startStoreGatewayChild(store: Partial<StoreClientOptions>): Promise<StoreGatewayChild> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [JSON.stringify(store)], {
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [ready] = (await once(child, 'message')) as [{ url: string }];
  return {
    url: ready.url,
    pid: child.pid ?? 0,
    async searchProcessIds() {
      const answer = once(child, 'message') as Promise<[number[]]>;
      const exited = once(child, 'exit').then(() => assert.fail('the gateway exited'));
      const late = delay(2000).then(() => assert.fail('the gateway did not say within 2 s'));
      child.send('pids');
      return (await Promise.race([answer, exited, late]))[0];
    },
    async kill(signal) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill(signal);
      await exited;
    },
  };
}

/** Whether process `pid` is running (a zombie waiting to be reaped is not). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && existsProc()) return false;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function existsProc(): boolean {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
}

async function runChild(store: Partial<StoreClientOptions>): Promise<void> {
  const s = await startStoreGateway(testConfig({}), store);
  process.on('message', () => process.send?.(s.store.searchProcessIds()));
  process.on('SIGTERM', () => void s.close().then(() => process.exit(0)));
  // The test's end, however it ends, ends this gateway at once (a close could wait on a stuck search).
  process.on('disconnect', () => process.exit(0));
  process.send?.({ url: s.gateway.url });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await runChild(JSON.parse(process.argv[2] ?? '{}'));
