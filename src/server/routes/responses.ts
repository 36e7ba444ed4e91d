/**
 * The Responses API's calls about earlier answers: `GET` and `DELETE /v1/responses/{id}` and
 * `GET /v1/responses/{id}/input_items`. The gateway answers those it keeps whole (translated ones) from
 * its own store; those an upstream made are asked of the deployment that made them.
 */

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { inputItemsPage } from '../../dialects/responses/conversation.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { Gateway } from '../../gateway/gateway.ts';
import type { ResponseStore, StoredResponse } from '../../gateway/responses/store.ts';
import { isJsonObject } from '../../shared/json.ts';
import { clientGoneSignal } from '../client-gone.ts';
import { KEYS } from '../principal.ts';

type Request = FastifyRequest<{ Params: { id: string }; Querystring: Record<string, string | undefined> }>;

export function registerResponseRoutes(app: FastifyInstance, gateway: Gateway, store: ResponseStore): void {
  for (const prefix of ['/v1/responses', '/responses']) {
    app.get(`${prefix}/:id`, KEYS, async (request: Request, reply) => {
      const entry = await found(store, request.params.id);
      if (entry.response !== undefined) return json(reply, 200, JSON.stringify(entry.response));
      return upstream(gateway, entry, 'GET', `/responses/${encodeURIComponent(entry.id)}`, reply);
    });
    app.delete(`${prefix}/:id`, KEYS, async (request: Request, reply) => {
      const entry = await found(store, request.params.id);
      if (entry.response === undefined) {
        const path = `/responses/${encodeURIComponent(entry.id)}`;
        await upstream(gateway, entry, 'DELETE', path, reply);
        await store.delete(entry.id);
        return reply;
      }
      await store.delete(entry.id);
      return json(reply, 200, JSON.stringify({ id: entry.id, object: 'response', deleted: true }));
    });
    app.get(`${prefix}/:id/input_items`, KEYS, async (request: Request, reply) => {
      const entry = await found(store, request.params.id);
      if (entry.response === undefined) {
        const query = new URLSearchParams(request.url.split('?')[1] ?? '').toString();
        const path = `/responses/${encodeURIComponent(entry.id)}/input_items${query ? `?${query}` : ''}`;
        return upstream(gateway, entry, 'GET', path, reply);
      }
      const items = (entry.input ?? []).filter(isJsonObject);
      return json(reply, 200, JSON.stringify(inputItemsPage(items, pageQuery(request.query))));
    });
  }
}

async function found(store: ResponseStore, id: string): Promise<StoredResponse> {
  const entry = await store.get(id);
  if (entry !== undefined) return entry;
  throw new GatewayError(`Response with id '${id}' not found.`, {
    status: 404,
    type: 'invalid_request_error',
    param: 'response_id',
    code: 'response_not_found',
  });
}

async function upstream(
  gateway: Gateway,
  entry: StoredResponse,
  method: 'GET' | 'DELETE',
  path: string,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const answer = await gateway.retrieveResponse(entry, method, path, clientGoneSignal(reply.raw));
  return json(reply.headers(answer.headers), answer.status, answer.body);
}

function json(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).type('application/json').send(body);
}

function pageQuery(query: Record<string, string | undefined>) {
  const limit = query.limit === undefined ? undefined : Number(query.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 100))
    throw new GatewayError('limit must be an integer from 1 to 100.', {
      status: 400,
      type: 'invalid_request_error',
      param: 'limit',
    });
  const order = query.order;
  if (order !== undefined && order !== 'asc' && order !== 'desc')
    throw new GatewayError("order must be 'asc' or 'desc'.", {
      status: 400,
      type: 'invalid_request_error',
      param: 'order',
    });
  return { after: query.after, before: query.before, limit, order };
}
