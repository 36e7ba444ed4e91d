// Waiting for a gateway child process to answer HTTP (Tollgate's health route, Portkey's `/`),
// with the tail of its log in the error when it dies or never answers.
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'undici';
import { sleep } from './clock.ts';

const READY_TIMEOUT_MS = 20_000;

function logTail(path: string): string {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Resolves once GET url answers 200; rejects if the child exits first or after 20 s. */
export async function waitUntilLive(
  name: string,
  child: ChildProcess,
  url: string,
  logPath: string,
): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `${name} exited (${child.exitCode ?? child.signalCode}) before it was live (log: ${logPath}):\n${logTail(logPath)}`,
      );
    }
    try {
      const res = await request(url, { headersTimeout: 1000, bodyTimeout: 1000 });
      await res.body.dump();
      if (res.statusCode === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${name} not live after ${READY_TIMEOUT_MS} ms (log: ${logPath}):\n${logTail(logPath)}`);
}
