// Preloaded (`node --import ./bench/memory-probe.mjs`) into a gateway that bench/memory.ts measures: on
// SIGUSR2 it writes where the process's memory is to $TOLLGATE_MEMORY_PROBE as JSON (ProbeDump in
// memory.ts) — the main thread's heap by space, each worker thread's heap (the store worker), array
// buffers, and RSS split into anonymous memory and mapped files (the node binary's code). Plain
// JavaScript: a .ts preload would load Node's type stripper and skew what it measures.
import { readFileSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import threads from 'node:worker_threads';

const MB = 1024 * 1024;
const out = process.env.TOLLGATE_MEMORY_PROBE;

/** @param {import('node:v8').HeapInfo} h */
function figures(h) {
  return {
    totalMb: h.total_heap_size / MB,
    usedMb: h.used_heap_size / MB,
    externalMb: h.external_memory / MB,
    mallocedMb: h.malloced_memory / MB,
  };
}

/** @param {string} field */
function statusMb(field) {
  const match = new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync('/proc/self/status', 'utf8'));
  return Number(match?.[1] ?? Number.NaN) / 1024;
}

if (threads.isMainThread && out) {
  // The workers the gateway starts, so their heaps can be asked for (the store worker is one).
  /** @type {Set<import('node:worker_threads').Worker>} */
  const workers = new Set();
  const Base = threads.Worker;
  threads.Worker = class Tracked extends Base {
    /** @param {ConstructorParameters<typeof Base>} args */
    constructor(...args) {
      super(...args);
      workers.add(this);
      this.once('exit', () => workers.delete(this));
    }
  };
  syncBuiltinESMExports();

  process.on('SIGUSR2', async () => {
    /** @type {Record<string, { sizeMb: number; usedMb: number }>} */
    const spaces = {};
    for (const s of getHeapSpaceStatistics())
      spaces[s.space_name] = { sizeMb: s.space_size / MB, usedMb: s.space_used_size / MB };
    const worker = await Promise.all([...workers].map((w) => w.getHeapStatistics().then(figures)));
    const dump = {
      rssMb: statusMb('VmRSS'),
      rssAnonMb: statusMb('RssAnon'),
      rssFileMb: statusMb('RssFile'),
      main: {
        ...figures(getHeapStatistics()),
        arrayBuffersMb: process.memoryUsage().arrayBuffers / MB,
        spaces,
      },
      workers: worker,
    };
    writeFileSync(out, JSON.stringify(dump));
  });
}
