/** The model endpoints: chat completions, completions, embeddings — validated, routed, relayed. */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Gateway } from '../../gateway/gateway.ts';
import type { Endpoint } from '../../providers/spec.ts';
import { sendError } from '../error-handler.ts';
import { tollgateHeaders } from '../response-headers.ts';
import { validateBody } from '../validate-body.ts';

const ROUTES: Array<[string, Endpoint]> = [
  ['/v1/chat/completions', 'chat'],
  ['/chat/completions', 'chat'],
  ['/v1/completions', 'completions'],
  ['/completions', 'completions'],
  ['/v1/embeddings', 'embeddings'],
  ['/embeddings', 'embeddings'],
];

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  // Proxies such as nginx would otherwise hold chunks back.
  'x-accel-buffering': 'no',
};

export function registerLlmRoutes(app: FastifyInstance, gateway: Gateway): void {
  for (const [url, endpoint] of ROUTES) {
    app.post(url, (request, reply) => handle(endpoint, gateway, request, reply));
  }
}

async function handle(endpoint: Endpoint, gateway: Gateway, request: FastifyRequest, reply: FastifyReply) {
  const body = validateBody(endpoint, request.body);
  const controller = new AbortController();
  const res = reply.raw;
  // 'close' before the response finished means the client went away: stop the upstream call too.
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  const outcome = await gateway.handle(endpoint, body, { callId: randomUUID(), signal: controller.signal });
  reply.headers(tollgateHeaders(outcome.record));
  if (outcome.kind === 'error') return sendError(reply, outcome.error);
  reply.headers(outcome.headers);
  if (outcome.kind === 'json') {
    return reply.code(outcome.status).type('application/json').send(outcome.body);
  }
  return reply
    .code(200)
    .headers(SSE_HEADERS)
    .send(Readable.from(outcome.chunks, { objectMode: false }));
}
