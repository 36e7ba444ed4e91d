// 1,000 concurrent slow streams (performance.md: RSS ≤ 250 MB, no error): each client holds a streamed
// request open while the mock sends a chunk every 100 ms for ~5 s; the target's RSS is sampled
// throughout. Run: `npm run bench:streams [-- --clients 1000 --only direct,tollgate,portkey]`.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { REPO_ROOT } from './child-process.ts';
import { sleep } from './clock.ts';
import { startMockProcess } from './mock-process.ts';
import { rssMb } from './proc-stats.ts';
import type { RunningTarget } from './target-types.ts';
import { TARGETS } from './targets.ts';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '1000' },
    only: { type: 'string', default: 'direct,tollgate,portkey' },
  },
});
const clients = Number(values.clients);
const names = values.only.split(',');

/** Opens `clients` streams at once and reads each to its end; resolves with the failures. */
async function holdStreams(target: RunningTarget): Promise<number> {
  const { endpoint } = target.route('slow', true);
  const pool = new Pool(endpoint.origin, { connections: clients, pipelining: 1 });
  let errors = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      try {
        const res = await pool.request({
          method: 'POST',
          path: endpoint.path,
          headers: endpoint.headers,
          body: endpoint.body,
          headersTimeout: 60_000,
          bodyTimeout: 60_000,
        });
        const text = await res.body.text();
        if (res.statusCode !== 200 || !text.includes('[DONE]')) errors++;
      } catch {
        errors++;
      }
    }),
  );
  await pool.close();
  return errors;
}

const slow = await startMockProcess({ delay: 0, chunkDelay: 100, chunks: 50 });
const ctx = {
  mocks: { slow, fast: slow },
  workDir: mkdtempSync(join(tmpdir(), 'tollgate-streams-')),
  logDir: join(REPO_ROOT, 'bench', 'results'),
};
console.log(`| target | clients | idle RSS MB | peak RSS MB | errors | seconds |\n|---|---|---|---|---|---|`);
for (const spec of TARGETS.filter((t) => names.includes(t.name))) {
  const target = await spec.start(ctx);
  // The mock does the work for direct: its memory is what is measured there.
  const pid = spec.name === 'direct' ? slow.pid : target.pid;
  await sleep(500);
  const idle = rssMb(pid);
  let peak = idle;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(pid));
  }, 100);
  const started = performance.now();
  const errors = await holdStreams(target);
  clearInterval(sampler);
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `| ${spec.name} | ${clients} | ${idle.toFixed(0)} | ${peak.toFixed(0)} | ${errors} | ${seconds.toFixed(1)} |`,
  );
  await target.stop();
}
await slow.stop();
