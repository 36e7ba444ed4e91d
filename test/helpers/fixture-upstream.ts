/**
 * A real HTTP server that replays recorded answers for end-to-end tests of translated providers
 * (Anthropic, Gemini) and OpenAI's endpoints: each path answers with a queued reply — a status with a
 * JSON body, an SSE transcript sent byte for byte, or any bytes with their content type (audio) — and
 * every request is recorded (path, headers, parsed body and its bytes) so a test can assert what the
 * gateway actually sent upstream.
 */
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FixtureReply {
  /** Defaults to 200. */
  status?: number;
  headers?: Record<string, string>;
  /** A JSON body. */
  json?: unknown;
  /** An SSE transcript, sent as it is with `content-type: text/event-stream`. */
  sse?: string;
  /** Any body, sent as it is with its content type (audio, a transcript as text). */
  raw?: { body: Buffer | string; type: string };
}

export interface FixtureRequest {
  method: string;
  /** The path with its query string. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body ({} when the body was not JSON). */
  body: Record<string, unknown>;
  /** The body's bytes as received (a multipart form, for one). */
  raw: Buffer;
}

export interface FixtureUpstream {
  /** The server's origin (`http://127.0.0.1:<port>`), without a trailing slash or path. */
  url: string;
  received: FixtureRequest[];
  /** Replies for the next requests to `path` (query string ignored), used in order. */
  queue(path: string, ...replies: FixtureReply[]): void;
  /** The reply for `path` once its queue is empty. */
  route(path: string, reply: FixtureReply): void;
  close(): Promise<void>;
}

export async function startFixtureUpstream(): Promise<FixtureUpstream> {
  const queued = new Map<string, FixtureReply[]>();
  const routes = new Map<string, FixtureReply>();
  const received: FixtureRequest[] = [];
  const server = createServer(async (req, res) => {
    const path = req.url ?? '/';
    const raw = await readBody(req);
    received.push({ method: req.method ?? 'GET', path, headers: req.headers, body: parseJson(raw), raw });
    const key = withoutQuery(path);
    const reply = queued.get(key)?.shift() ?? routes.get(key);
    if (reply === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `fixture upstream: nothing queued for ${key}` } }));
      return;
    }
    const type = reply.raw?.type ?? (reply.sse === undefined ? 'application/json' : 'text/event-stream');
    res.writeHead(reply.status ?? 200, { 'content-type': type, ...reply.headers });
    res.end(reply.raw?.body ?? reply.sse ?? JSON.stringify(reply.json ?? {}));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    queue: (path, ...replies) => {
      const key = withoutQuery(path);
      queued.set(key, [...(queued.get(key) ?? []), ...replies]);
    },
    route: (path, reply) => routes.set(withoutQuery(path), reply),
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of req) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

function parseJson(raw: Buffer): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(raw.toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const withoutQuery = (path: string) => path.replace(/\?.*$/, '');
