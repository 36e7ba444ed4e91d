/**
 * A stand-in OpenObserve for tests: a real HTTP server that takes OTLP/HTTP protobuf at
 * `/api/{org}/v1/traces`, decoded and flattened into rows by the embedded store's own OpenObserve
 * flattening (pinned by its golden tests), so tests assert on the columns users filter on.
 */
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Row } from '../../src/store/columns.ts';
import { flattenTraces } from '../../src/store/flatten.ts';
import { encodeProtobufResponse } from '../../src/store/otlp/decode-proto.ts';
import { readTraceRequest } from '../../src/store/otlp/read-proto.ts';

export type { Row };

export interface Receiver {
  /** Base URL, as a user would put it in OPENOBSERVE_URL (with a trailing slash, as the seed does). */
  url: string;
  rows: Row[];
  requests: Array<{ path: string; headers: IncomingHttpHeaders; bytes: Buffer }>;
  /** `answer`: respond normally; `fail`: 500; `hang`: never respond; `unauthorized`: 401 as OpenObserve. */
  mode: 'answer' | 'fail' | 'hang' | 'unauthorized';
  /** Resolves once a row matching the predicate has arrived. */
  waitFor(predicate: (row: Row) => boolean, timeoutMs?: number): Promise<Row>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const waiters: Array<{ predicate: (row: Row) => boolean; resolve: (row: Row) => void }> = [];
  const receiver: Receiver = {
    url: '',
    rows: [],
    requests: [],
    mode: 'answer',
    waitFor(predicate, timeoutMs = 10_000) {
      const found = receiver.rows.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no matching span arrived')), timeoutMs);
        waiters.push({
          predicate,
          resolve: (row) => {
            clearTimeout(timer);
            resolve(row);
          },
        });
      });
    },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
  const server = createServer(async (req, res) => {
    const parts: Buffer[] = [];
    try {
      for await (const chunk of req) parts.push(chunk as Buffer);
    } catch {
      // An exporter that gave up mid-upload (its timeout, under load) sent nothing to record.
      return;
    }
    const bytes = Buffer.concat(parts);
    receiver.requests.push({ path: req.url ?? '', headers: req.headers, bytes });
    if (receiver.mode === 'hang') return;
    if (receiver.mode === 'unauthorized') {
      res
        .writeHead(401, { 'content-type': 'application/json' })
        .end('{"code":401,"message":"Unauthorized Access"}');
      return;
    }
    if (receiver.mode === 'fail') {
      res.writeHead(500).end('{"code":500,"message":"test failure"}');
      return;
    }
    const stream = String(req.headers['stream-name'] ?? 'default');
    for (const row of flattenTraces(readTraceRequest(bytes), stream).rows) {
      receiver.rows.push(row);
      for (const w of waiters.splice(0)) w.predicate(row) ? w.resolve(row) : waiters.push(w);
    }
    res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(encodeProtobufResponse(0, ''));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return receiver;
}
