/** A local webhook for alert tests: a real HTTP server that records each call and can fail on demand. */
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WebhookReceiver {
  url: string;
  calls: Array<{ url: string; body: string; headers: IncomingHttpHeaders }>;
  /** Statuses to answer with, in order; 200 after that. */
  failures: number[];
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const hook: WebhookReceiver = { url: '', calls: [], failures: [], close: async () => {} };
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    hook.calls.push({ url: req.url ?? '', body, headers: req.headers });
    res.writeHead(hook.failures.shift() ?? 200).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  hook.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  hook.close = async () => {
    server.close();
    await once(server, 'close');
  };
  return hook;
}
