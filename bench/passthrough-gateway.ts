// The practical ceiling for a Node gateway on this machine, measured in the same session as
// Tollgate: node:http + undici, the upstream answer piped back untouched (performance.md's
// "minimal pass-through"). Not a product: no auth, no parsing beyond picking the model's upstream.
// Run: node bench/passthrough-gateway.ts --port 0 --upstream bench=http://127.0.0.1:PORT/v1  → `listening <port>`

import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';

const MODEL_RE = /"model"\s*:\s*"([^"]+)"/;

interface Upstream {
  pool: Pool;
  path: string;
}

function parseUpstreams(specs: readonly string[]): Map<string, Upstream> {
  const map = new Map<string, Upstream>();
  for (const spec of specs) {
    const at = spec.indexOf('=');
    const base = new URL(spec.slice(at + 1));
    const pool = new Pool(base.origin, { connections: 256, keepAliveTimeout: 120_000 });
    map.set(spec.slice(0, at), { pool, path: `${base.pathname.replace(/\/$/, '')}/chat/completions` });
  }
  return map;
}

async function forward(upstreams: Map<string, Upstream>, body: Buffer, res: ServerResponse): Promise<void> {
  const model = MODEL_RE.exec(body.toString('latin1'))?.[1] ?? '';
  const up = upstreams.get(model);
  if (!up) {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(`{"error":{"message":"unknown model ${model}"}}`);
    return;
  }
  try {
    const answer = await up.pool.request({
      path: up.path,
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test-bench' },
      body,
    });
    res.writeHead(answer.statusCode, {
      'content-type': String(answer.headers['content-type'] ?? 'application/json'),
    });
    for await (const chunk of answer.body) res.write(chunk);
    res.end();
  } catch (err) {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
    res.end(`{"error":{"message":${JSON.stringify(String(err))}}}`);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      upstream: { type: 'string', multiple: true, default: [] },
    },
  });
  const upstreams = parseUpstreams(values.upstream);
  const server = createServer({ noDelay: true }, (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET' && req.url === '/health/liveliness') {
      res.end('"I\'m alive!"');
      return;
    }
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => void forward(upstreams, Buffer.concat(parts), res));
  });
  server.keepAliveTimeout = 120_000;
  server.listen(Number(values.port), values.host, () => {
    const address = server.address();
    process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
  });
  process.once('SIGTERM', () => process.exit(0));
}

if (import.meta.main) await main();
