/**
 * Node's compile cache for this process and, through the environment, for the store worker and the
 * search processes: each thread that strips types holds a WebAssembly transpiler (12–17 MB) for its
 * whole life, and with the stripped sources cached on disk none is loaded after the first run.
 * bin/tollgate.js turns it on before the first .ts file; when src/cli/main.ts is the entry it is too late
 * for this thread's modules, not for the others.
 */
import { enableCompileCache } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The cache is code the process runs, so it lives in the user's own cache directory (as bin/tollgate.js
 * chooses it), never in a shared temporary one another user could have created first.
 */
export function shareCompileCache(env: NodeJS.ProcessEnv = process.env): void {
  env.NODE_COMPILE_CACHE ||= join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'tollgate');
  enableCompileCache(env.NODE_COMPILE_CACHE);
}
