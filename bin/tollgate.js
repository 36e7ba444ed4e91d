#!/usr/bin/env -S node --max-semi-space-size=8
// The `tollgate` command. Node (>= 22.18) runs the TypeScript sources directly; there is no build step.
// --max-semi-space-size=8: V8's default young generation grows to well over 100 MB under a steady
// request load; 8 MB semi-spaces keep RSS near half of that at the same throughput (bench/README.md).
import { enableCompileCache } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';

// Before the first .ts file: with Node's compile cache the stripped sources are read from disk, so the
// WebAssembly type stripper (~17 MB per thread, for the life of the process) loads on a first run only.
// main.ts hands the cache on to the store worker and the search processes. The cache is code the
// process runs, so it lives in the user's own cache directory, not in a shared temporary one another
// user could create first. (Kept in step with src/cli/compile-cache.ts, which cannot be imported before
// the cache is on.)
process.env.NODE_COMPILE_CACHE ||= join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'tollgate');
enableCompileCache();
await import('../src/cli/main.ts');
