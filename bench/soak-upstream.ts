// Soak runs for hostile upstreams and huge requests (issue 14, items 2 and 4), longer than npm test's
// bounded versions: Tollgate runs as `npm start` does (store on), against an upstream in this process
// that misbehaves on purpose, while the gateway's RSS is sampled every second.
//
//   node bench/soak-upstream.ts endless-stream [--seconds 60]   an upstream stream that never ends
//   node bench/soak-upstream.ts huge-error [--mb 300]           a 300 MB error body
//   node bench/soak-upstream.ts huge-prompt [--mb 10]           a 10 MB streamed prompt, no usage sent,
//                                                               small requests meanwhile
//
// It prints the RSS at start, its peak and at the end, and what the clients saw. Flat memory and
// small-request latencies in the tens of milliseconds are the pass marks.
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, NODE_BIN, spawnTracked, stopChild } from './child-process.ts';
import { rssMbNow } from './proc-stats.ts';
import { waitUntilLive } from './wait-live.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { seconds: { type: 'string', default: '60' }, mb: { type: 'string' } },
});
const scenario = positionals[0] ?? 'endless-stream';
const seconds = Number(values.seconds);

const CHUNK = Buffer.from(
  `data: ${JSON.stringify({
    id: 'chatcmpl-soak',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: 'soak',
    choices: [{ index: 0, delta: { content: 'x'.repeat(1000) }, finish_reason: null }],
  })}\n\n`,
);

/** The hostile upstream: which way it misbehaves depends on the scenario. */
function answer(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  req.on('end', () => {
    if (scenario === 'huge-error') return hugeError(res, Number(values.mb ?? 300));
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    if (scenario === 'endless-stream') return endless(res);
    // huge-prompt: a short answer with no usage, so the gateway counts the prompt itself.
    res.write(CHUNK);
    res.end('data: [DONE]\n\n');
  });
}

function endless(res: ServerResponse): void {
  const pump = () => {
    while (res.write(CHUNK)) {
      if (res.destroyed) return;
    }
    res.once('drain', pump);
  };
  res.on('close', () => res.removeAllListeners('drain'));
  pump();
}

function hugeError(res: ServerResponse, mb: number): void {
  res.writeHead(500, { 'content-type': 'application/json' });
  const block = Buffer.alloc(1024 * 1024, 'e');
  let left = mb;
  const pump = () => {
    while (left > 0) {
      left--;
      if (!res.write(block)) return void res.once('drain', pump);
    }
    res.end();
  };
  pump();
}

async function main(): Promise<void> {
  const upstream = createServer(answer);
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const upstreamPort = (upstream.address() as AddressInfo).port;
  const dir = join(tmpdir(), `tollgate-soak-${process.pid}`);
  const config = join(tmpdir(), `tollgate-soak-${process.pid}.yaml`);
  writeFileSync(
    config,
    [
      'model_list:',
      '  - model_name: soak',
      '    litellm_params:',
      '      model: openai/soak',
      `      api_base: http://127.0.0.1:${upstreamPort}/v1`,
      '      api_key: sk-test-soak',
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const logPath = join(tmpdir(), `tollgate-soak-${process.pid}.log`);
  // A file, not a pipe: an unread pipe would block the gateway once its buffer fills.
  const logFd = openSync(logPath, 'w');
  const child = spawnTracked(
    NODE_BIN,
    ['--max-semi-space-size=8', 'src/cli/main.ts', '--config', config, '--port', String(port)],
    ['ignore', logFd, logFd],
    { ...process.env, TOLLGATE_TRACE_STORE: `${dir}.db`, OPENOBSERVE_URL: '' },
  );
  closeSync(logFd);
  await waitUntilLive('tollgate', child, `${origin}/health/liveliness`, logPath);
  const pid = child.pid ?? 0;
  const samples: number[] = [rssMbNow(pid)];
  const sampler = setInterval(() => samples.push(rssMbNow(pid)), 1000);
  try {
    const seen = await run(origin);
    console.log(`${scenario}: ${seen}`);
  } finally {
    clearInterval(sampler);
    samples.push(rssMbNow(pid));
    console.log(
      `gateway RSS MB: start ${samples[0]?.toFixed(0)}, peak ${Math.max(...samples).toFixed(0)}, end ${samples.at(-1)?.toFixed(0)}`,
    );
    await stopChild(child);
    upstream.close();
  }
}

function chat(origin: string, content: string, signal?: AbortSignal): Promise<Response> {
  return fetch(`${origin}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'soak', stream: true, messages: [{ role: 'user', content }] }),
    signal,
  });
}

async function run(origin: string): Promise<string> {
  if (scenario === 'endless-stream') {
    const res = await chat(origin, 'go on forever', AbortSignal.timeout(seconds * 1000));
    let bytes = 0;
    try {
      for await (const part of res.body ?? []) bytes += (part as Uint8Array).length;
    } catch {
      // The timeout ends the read: that is the point of the run.
    }
    return `relayed ${(bytes / 1e6).toFixed(0)} MB in ${seconds} s`;
  }
  if (scenario === 'huge-error') {
    const res = await chat(origin, 'fail hugely');
    const text = await res.text();
    return `status ${res.status}, ${text.length} bytes to the client`;
  }
  let bigDone = false;
  const t0 = performance.now();
  const big = chat(origin, 'word '.repeat((Number(values.mb ?? 10) * 1024 * 1024) / 5))
    .then((r) => r.text())
    .then(() => {
      bigDone = true;
      return performance.now() - t0;
    });
  const latencies: number[] = [];
  // Small requests until the big one is answered (and at least 20 of them).
  while (!bigDone || latencies.length < 20) {
    const t = performance.now();
    await (await chat(origin, 'hi')).text();
    latencies.push(performance.now() - t);
  }
  const bigMs = await big;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.floor(q * (latencies.length - 1))]?.toFixed(0);
  return `big request answered in ${bigMs.toFixed(0)} ms; ${latencies.length} small requests meanwhile: median ${at(0.5)} ms, max ${at(1)} ms`;
}

await main();
