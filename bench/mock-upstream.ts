// A mock OpenAI upstream for the bench. It must never be the bottleneck, so every response is
// serialised once at start-up and the request body is only scanned (not parsed) for `"stream":true`.
// Run: node bench/mock-upstream.ts --port 0 --delay 0 [--chunk-delay 0 --chunks 3]  → prints `listening <port>`

import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

export interface MockOptions {
  port?: number;
  host?: string;
  /** Fixed delay before the response starts (ms): a model's time to first token. */
  delay?: number;
  /** Delay between SSE events of a streamed answer (ms): a slow stream. */
  chunkDelay?: number;
  /** Number of content chunks in a streamed answer. */
  chunks?: number;
}

export interface MockUpstream {
  port: number;
  close(): Promise<void>;
}

const ID = 'chatcmpl-bench';
const CREATED = 1_700_000_000;
const MODEL = 'bench';
const USAGE = { prompt_tokens: 10, completion_tokens: 20, total_tokens: 30 };
const STREAM_RE = /"stream"\s*:\s*true/;
const INCLUDE_USAGE_RE = /"include_usage"\s*:\s*true/;

const COMPLETION = Buffer.from(
  JSON.stringify({
    id: ID,
    object: 'chat.completion',
    created: CREATED,
    model: MODEL,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'Hello! This is the mock upstream answering.' },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: USAGE,
  }),
);

function sse(payload: unknown): Buffer {
  return Buffer.from(`data: ${JSON.stringify(payload)}\n\n`);
}

function chunk(delta: Record<string, string>, finish: string | null): Buffer {
  return sse({
    id: ID,
    object: 'chat.completion.chunk',
    created: CREATED,
    model: MODEL,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });
}

/** The SSE events of one streamed answer, without and with the usage chunk. */
function streamEvents(contentChunks: number): { plain: Buffer[]; withUsage: Buffer[] } {
  const events = [chunk({ role: 'assistant', content: '' }, null)];
  for (let i = 0; i < contentChunks; i++) events.push(chunk({ content: `token${i} ` }, null));
  events.push(chunk({}, 'stop'));
  const usage = sse({
    id: ID,
    object: 'chat.completion.chunk',
    created: CREATED,
    model: MODEL,
    choices: [],
    usage: USAGE,
  });
  const done = Buffer.from('data: [DONE]\n\n');
  return { plain: [...events, done], withUsage: [...events, usage, done] };
}

const JSON_HEADERS = { 'content-type': 'application/json', 'content-length': String(COMPLETION.length) };
const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };

function writeStream(res: ServerResponse, events: Buffer[], chunkDelay: number): void {
  res.writeHead(200, SSE_HEADERS);
  // Node corks a response's writes until the next tick, so events written in one tick leave as a
  // single packet and the gateway would parse one chunk. A real upstream's events arrive one by
  // one; setImmediate (after the previous write was flushed) gets separate packets at no cost in
  // time, while setTimeout(0) would add ~1 ms per event and cap the mock at ~10k streams/s.
  let i = 0;
  const next = (): void => {
    if (res.destroyed) return; // client went away: stop the chain
    const e = events[i++];
    if (e === undefined) {
      res.end();
      return;
    }
    res.write(e);
    if (chunkDelay > 0) setTimeout(next, chunkDelay);
    else setImmediate(next);
  };
  next();
}

function createHandler(opts: Required<Omit<MockOptions, 'port' | 'host'>>) {
  const events = streamEvents(opts.chunks);
  const answer = (res: ServerResponse, body: string): void => {
    if (!STREAM_RE.test(body)) {
      res.writeHead(200, JSON_HEADERS);
      res.end(COMPLETION);
      return;
    }
    writeStream(res, INCLUDE_USAGE_RE.test(body) ? events.withUsage : events.plain, opts.chunkDelay);
  };
  return (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? '';
    if (req.method === 'GET' && (url === '/health' || url === '/v1/models')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: MODEL, object: 'model', owned_by: 'mock' }] }));
      return;
    }
    if (req.method !== 'POST' || !url.startsWith('/v1/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"not found","type":"invalid_request_error"}}');
      return;
    }
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      // latin1 is the cheapest decode and JSON keys are ASCII, which is all the scan needs.
      const body =
        parts.length === 1 ? (parts[0]?.toString('latin1') ?? '') : Buffer.concat(parts).toString('latin1');
      if (opts.delay > 0) setTimeout(answer, opts.delay, res, body);
      else answer(res, body);
    });
  };
}

export function startMockUpstream(opts: MockOptions = {}): Promise<MockUpstream> {
  const handler = createHandler({
    delay: opts.delay ?? 0,
    chunkDelay: opts.chunkDelay ?? 0,
    chunks: opts.chunks ?? 3,
  });
  const server: Server = createServer({ noDelay: true }, handler);
  // Load generators keep connections open across scenarios; Node's 5 s default would drop them.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 0;
  server.requestTimeout = 0;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      resolve({
        port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      delay: { type: 'string', default: '0' },
      'chunk-delay': { type: 'string', default: '0' },
      chunks: { type: 'string', default: '3' },
    },
  });
  const mock = await startMockUpstream({
    port: Number(values.port),
    host: values.host,
    delay: Number(values.delay),
    chunkDelay: Number(values['chunk-delay']),
    chunks: Number(values.chunks),
  });
  // The parent process (bench/run.ts) waits for exactly this line.
  process.stdout.write(`listening ${mock.port}\n`);
  const stop = (): void => {
    void mock.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (import.meta.main) await main();
