// Node's compile cache keeps the type-stripped sources on disk, so that after a first run no thread of
// the gateway loads the WebAssembly type stripper (~17 MB in the main thread, ~12 MB in the store
// worker). Checked through what a user can see: the cache directory in the user's cache directory
// (XDG_CACHE_HOME), and the store worker's own module in it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { cleanEnv, startCli } from './helpers/process.ts';

const BIN = new URL('../bin/tollgate.js', import.meta.url);
const STORE_WORKER = pathToFileURL(new URL('../src/store/store-worker.ts', import.meta.url).pathname).href;

/** The files of Node's compile cache under `dir` (XDG_CACHE_HOME, else ~/.cache). */
function cacheFiles(dir: string): string[] {
  const root = join(dir, 'tollgate');
  try {
    return readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name));
  } catch {
    return [];
  }
}

test('the tollgate command caches its stripped sources on the first run', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-cache-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const child = spawn(process.execPath, [BIN.pathname, '--version'], {
    env: cleanEnv({ XDG_CACHE_HOME: dir }),
    stdio: 'ignore',
  });
  const [code] = await once(child, 'exit');
  assert.equal(code, 0);
  // Every .ts module the command loaded, so a second run strips none.
  assert.ok(cacheFiles(dir).length > 100, `${cacheFiles(dir).length} files in the compile cache`);
});

test('the store worker uses the compile cache too, even when src/cli/main.ts is the entry', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-cache-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const server = await startCli([], { env: cleanEnv({ XDG_CACHE_HOME: dir }) });
  // The cache is written as threads exit.
  await server.stop();
  const cached = cacheFiles(dir).some((file) => readFileSync(file).includes(`sourceURL=${STORE_WORKER}`));
  assert.ok(cached, "the store worker's stripped source is not in the compile cache");
});
