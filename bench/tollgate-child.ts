// One Tollgate for the single-gateway benches (dialects.ts, virtual-keys.ts): `npm start`'s flags,
// tracing into the embedded store as users run it, the given config, its log in a temp directory.
import { closeSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, NODE_BIN, spawnTracked, stopChild } from './child-process.ts';
import { waitUntilLive } from './wait-live.ts';

export interface TollgateChild {
  origin: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startTollgateChild(name: string, configYaml: string): Promise<TollgateChild> {
  const dir = mkdtempSync(join(tmpdir(), `tollgate-bench-${name}-`));
  const config = join(dir, 'config.yaml');
  writeFileSync(config, configYaml);
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const logPath = join(dir, 'tollgate.log');
  const logFd = openSync(logPath, 'w');
  const child = spawnTracked(
    NODE_BIN,
    ['--max-semi-space-size=8', 'bin/tollgate.js', '--config', config, '--port', String(port)],
    ['ignore', logFd, logFd],
    { ...process.env, OPENOBSERVE_URL: '', TOLLGATE_TRACE_STORE: join(dir, 'traces.db') },
  );
  closeSync(logFd);
  try {
    await waitUntilLive('tollgate', child, `${origin}/health/liveliness`, logPath);
  } catch (err) {
    await stopChild(child);
    throw err;
  }
  return { origin, pid: child.pid ?? 0, stop: () => stopChild(child) };
}
