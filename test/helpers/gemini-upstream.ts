/**
 * A real HTTP server that replays recorded Gemini answers (test/fixtures/gemini/) by request path, and
 * records what it received: path, headers and body. A test sets the reply for a path before its call.
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

const FIXTURES = new URL('../fixtures/gemini/', import.meta.url);

/** A fixture's text: `.sse` transcripts exactly as recorded, JSON parsed. */
export function fixtureText(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

export function fixtureJson(name: string): Record<string, unknown> {
  return JSON.parse(fixtureText(name)) as Record<string, unknown>;
}

/** A JSON body (with a status, 200 unless told), or an SSE transcript sent as it is. */
export type Reply = { status?: number; json: unknown } | { sse: string };

export interface Received {
  /** Path and query, as the gateway asked for them. */
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

export interface GeminiUpstream {
  /** Base URL to use as `api_base`. */
  url: string;
  received: Received[];
  /** Sets the reply for a path (query included, e.g. `…:streamGenerateContent?alt=sse`). */
  reply(path: string, reply: Reply): void;
  close(): Promise<void>;
}

export async function startGeminiUpstream(): Promise<GeminiUpstream> {
  const replies = new Map<string, Reply>();
  const received: Received[] = [];
  const server = createServer(async (req, res) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    const path = req.url ?? '';
    received.push({ path, headers: req.headers, body: text === '' ? {} : JSON.parse(text) });
    const reply = replies.get(path);
    if (reply === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ error: { code: 404, message: `no fixture for ${path}`, status: 'NOT_FOUND' } }),
      );
    } else if ('sse' in reply) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(reply.sse);
    } else {
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json; charset=UTF-8' });
      res.end(JSON.stringify(reply.json));
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    reply: (path, reply) => replies.set(path, reply),
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
