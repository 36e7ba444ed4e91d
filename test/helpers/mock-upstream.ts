/**
 * A real HTTP server that speaks OpenAI's API for end-to-end tests, with faults on demand: error
 * statuses, hangs, and streams that die half-way. It records what it received and which requests the
 * gateway aborted.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Script {
  /** Answer with this status and `body` (JSON) instead of a completion. */
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Wait before answering. */
  delayMs?: number;
  /** Never answer (until the gateway gives up). */
  hang?: boolean;
  /** Close the connection without answering, as a crashed upstream or a proxy would. */
  drop?: boolean;
  /** For streams: chunks of content to send, and the pause between them. */
  chunks?: string[];
  chunkDelayMs?: number;
  /** For streams: destroy the socket after this many chunks (0: right after the headers). */
  dieAfterChunks?: number;
  /** For JSON answers: send the headers and half the body, then destroy the socket. */
  cutBody?: boolean;
  /** Answer 400 to any request carrying `stream_options`, as some OpenAI-compatible servers do. */
  rejectStreamOptions?: boolean;
}

export interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
  /** True once the gateway closed the connection before the answer was complete. */
  aborted: boolean;
}

export interface MockUpstream {
  /** Base URL to use as `api_base`, ending in `/v1`. */
  url: string;
  received: Received[];
  /** False to stop logging into `received` (long soaks, where the log would be most of the heap). */
  keepLog: boolean;
  /** Counts over every request: received, aborted by the gateway, and still being answered. */
  counts: { received: number; aborted: number; open: number };
  /** Scripts for the next requests, used in order; afterwards `defaultScript` applies. */
  queue(...scripts: Script[]): void;
  defaultScript: Script;
  /** Resolves when some request has been aborted by the gateway. */
  nextAbort(): Promise<Received>;
  /** Connections the gateway holds open to this upstream now (busy or kept alive). */
  openSockets(): Promise<number>;
  close(): Promise<void>;
}

export const UPSTREAM_MODEL = 'mock-model-2024-01-01';

export async function startMockUpstream(): Promise<MockUpstream> {
  const scripts: Script[] = [];
  const received: Received[] = [];
  const abortWaiters: Array<(r: Received) => void> = [];
  const upstream: MockUpstream = {
    url: '',
    received,
    keepLog: true,
    counts: { received: 0, aborted: 0, open: 0 },
    queue: (...s) => scripts.push(...s),
    defaultScript: {},
    nextAbort: () => new Promise((resolve) => abortWaiters.push(resolve)),
    openSockets: () =>
      new Promise((resolve, reject) => server.getConnections((err, n) => (err ? reject(err) : resolve(n)))),
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
  const server = createServer(async (req, res) => {
    const text = await readBody(req);
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {}
    const entry: Received = { path: req.url ?? '', headers: req.headers, body, aborted: false };
    if (upstream.keepLog) received.push(entry);
    upstream.counts.received++;
    upstream.counts.open++;
    res.once('close', () => {
      upstream.counts.open--;
      if (res.writableFinished) return;
      upstream.counts.aborted++;
      entry.aborted = true;
      for (const resolve of abortWaiters.splice(0)) resolve(entry);
    });
    const script = scripts.shift() ?? upstream.defaultScript;
    await answer(req, res, body, script);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  upstream.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return upstream;
}

async function answer(
  req: IncomingMessage,
  res: ServerResponse,
  body: Record<string, unknown>,
  script: Script,
) {
  if (script.hang) return;
  if (script.drop) {
    req.socket.destroy();
    return;
  }
  if (script.delayMs) await new Promise((r) => setTimeout(r, script.delayMs));
  if (res.destroyed) return;
  if (script.rejectStreamOptions && body.stream_options !== undefined) {
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        error: {
          message: 'Unrecognized request argument supplied: stream_options',
          type: 'invalid_request_error',
        },
      }),
    );
    return;
  }
  if (script.status !== undefined && script.status >= 400) {
    res.writeHead(script.status, { 'content-type': 'application/json', ...script.headers });
    res.end(JSON.stringify(script.body ?? { error: { message: 'mock failure', type: 'server_error' } }));
    return;
  }
  // A scripted answer (a hostile one, say) in place of the completion.
  if (script.body !== undefined && body.stream !== true)
    return json(res, script.body, script.headers, script.status ?? 200);
  const path = (req.url ?? '').replace(/\?.*$/, '');
  if (path.endsWith('/chat/completions') || path.endsWith('/completions')) {
    const chat = path.endsWith('/chat/completions');
    if (body.stream === true) return streamAnswer(res, body, script, chat);
    const answer = chat ? chatCompletion(body) : textCompletion(body);
    if (script.cutBody) return cutJson(res, answer);
    return json(res, answer, script.headers);
  }
  if (path.endsWith('/embeddings')) return json(res, embeddings(body), script.headers);
  json(res, { error: { message: `mock upstream: no route ${path}` } }, {}, 404);
}

function json(res: ServerResponse, value: unknown, headers: Record<string, string> = {}, status = 200) {
  res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'req_mock_1', ...headers });
  res.end(JSON.stringify(value));
}

/** Promises the whole body (content-length), sends half of it, then drops the connection. */
function cutJson(res: ServerResponse, value: unknown) {
  const text = Buffer.from(JSON.stringify(value));
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': text.length });
  res.write(text.subarray(0, text.length >> 1), () => res.socket?.destroy());
}

/** As OpenAI reports it, details included: 2 of the prompt tokens came from the cache, 1 was reasoning. */
export const UPSTREAM_USAGE = {
  prompt_tokens: 12,
  completion_tokens: 7,
  total_tokens: 19,
  prompt_tokens_details: { cached_tokens: 2 },
  completion_tokens_details: { reasoning_tokens: 1 },
};
const usage = UPSTREAM_USAGE;

function chatCompletion(body: Record<string, unknown>) {
  return {
    id: 'chatcmpl-mock-1',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: UPSTREAM_MODEL,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: `Hello from the mock upstream (asked for ${String(body.model)})`,
        },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage,
  };
}

function textCompletion(body: Record<string, unknown>) {
  return {
    id: 'cmpl-mock-1',
    object: 'text_completion',
    created: 1_700_000_000,
    model: UPSTREAM_MODEL,
    choices: [
      { text: ` completed (${String(body.model)})`, index: 0, logprobs: null, finish_reason: 'length' },
    ],
    usage,
  };
}

function embeddings(body: Record<string, unknown>) {
  const inputs = Array.isArray(body.input) ? body.input : [body.input];
  const vector = new Float32Array([0.25, -0.5, 0.75]);
  const embedding =
    body.encoding_format === 'base64' ? Buffer.from(vector.buffer).toString('base64') : Array.from(vector);
  return {
    object: 'list',
    data: inputs.map((_, index) => ({ object: 'embedding', index, embedding })),
    model: UPSTREAM_MODEL,
    usage: { prompt_tokens: 4, total_tokens: 4 },
  };
}

async function streamAnswer(
  res: ServerResponse,
  body: Record<string, unknown>,
  script: Script,
  chat: boolean,
) {
  res.writeHead(200, { 'content-type': 'text/event-stream', ...script.headers });
  // Headers go out now, as a streaming server sends them, so a stream can die right after them.
  res.flushHeaders();
  const pieces = script.chunks ?? ['Hello', ' from', ' the', ' stream'];
  const base = { id: 'chatcmpl-mock-s', created: 1_700_000_000, model: UPSTREAM_MODEL };
  const events: unknown[] = [];
  if (chat) {
    events.push({
      ...base,
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
    });
    for (const p of pieces)
      events.push({
        ...base,
        object: 'chat.completion.chunk',
        choices: [{ index: 0, delta: { content: p }, finish_reason: null }],
      });
    events.push({
      ...base,
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
    });
  } else {
    for (const p of pieces)
      events.push({
        ...base,
        object: 'text_completion',
        choices: [{ index: 0, text: p, finish_reason: null }],
      });
    events.push({
      ...base,
      object: 'text_completion',
      choices: [{ index: 0, text: '', finish_reason: 'stop' }],
    });
  }
  const options = body.stream_options as { include_usage?: boolean } | undefined;
  if (options?.include_usage) {
    // As OpenAI does: every chunk carries `usage: null`, and a last chunk carries the usage.
    for (const event of events) (event as { usage?: null }).usage = null;
    events.push({ ...base, object: 'chat.completion.chunk', choices: [], usage });
  }
  let sent = 0;
  for (const event of events) {
    if (script.dieAfterChunks !== undefined && sent >= script.dieAfterChunks) {
      res.socket?.destroy();
      return;
    }
    if (res.destroyed) return;
    res.write(`data: ${JSON.stringify(event)}\n\n`);
    sent++;
    if (script.chunkDelayMs) await new Promise((r) => setTimeout(r, script.chunkDelayMs));
  }
  res.end('data: [DONE]\n\n');
}

async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of req) parts.push(chunk as Buffer);
  return Buffer.concat(parts).toString('utf8');
}
