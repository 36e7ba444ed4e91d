/**
 * `previous_response_id` for answers the gateway keeps whole (translated ones): the request is given
 * the earlier turns' items and loses the id, so that any provider — one that keeps no state, or OpenAI
 * itself after a fallback — gets the whole conversation. Each kept answer holds only its own turn (its
 * input items and its output) and the id it continued, so a long conversation costs its length in
 * storage, not its length squared; continuing it walks the chain back. An id the gateway made natively,
 * or does not know, is left for the upstream (a translated attempt refuses it: it cannot see that
 * conversation).
 */
import { expandConversation } from '../../dialects/responses/conversation.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { isJsonObject, type JsonObject } from '../../shared/json.ts';
import type { ResponseStore, StoredResponse } from './store.ts';

/** The earlier turns one request may bring back, in characters of JSON: past it, a 400. */
export const MAX_CONVERSATION_CHARS = 32 * 1024 * 1024;

export interface Continued {
  body: JsonObject;
  /** When earlier turns were added: the response continued, and how many items came before the request's own. */
  continues?: { responseId: string; priorItems: number };
  /**
   * When the conversation is kept upstream: the deployment that made the response it continues, the
   * only one (of a group of several accounts) that can continue it.
   */
  pinned?: string;
}

export async function withEarlierTurns(body: JsonObject, store: ResponseStore): Promise<Continued> {
  const previous = body.previous_response_id;
  if (typeof previous !== 'string' || previous === '') return { body };
  const first = await store.get(previous);
  if (first?.response === undefined)
    return first?.deploymentId === undefined ? { body } : { body, pinned: first.deploymentId };
  const turns: StoredResponse[] = [first];
  let size = turnSize(first);
  for (let id = first.previous; id !== undefined; ) {
    const turn = await store.get(id);
    // An earlier turn deleted or expired: what is left is not the conversation the client continues.
    if (turn?.response === undefined)
      throw conversationError(`Response ${id}, an earlier turn of ${previous}, is no longer kept.`);
    size += turnSize(turn);
    if (size > MAX_CONVERSATION_CHARS)
      throw conversationError(
        `The conversation ${previous} continues is longer than ${MAX_CONVERSATION_CHARS / 1024 / 1024} MiB; start a new one with the items you need.`,
      );
    turns.push(turn);
    id = turn.previous;
  }
  turns.reverse();
  const input = turns.flatMap((t) => [...(t.input ?? []), ...outputOf(t)]);
  return {
    body: expandConversation(body, { input, output: [] }),
    continues: { responseId: previous, priorItems: input.length },
  };
}

function outputOf(turn: StoredResponse): JsonObject[] {
  const output = turn.response?.output;
  return Array.isArray(output) ? output.filter(isJsonObject) : [];
}

function turnSize(turn: StoredResponse): number {
  return JSON.stringify(turn.input ?? []).length + JSON.stringify(turn.response?.output ?? []).length;
}

function conversationError(message: string): GatewayError {
  return new GatewayError(message, {
    status: 400,
    type: 'invalid_request_error',
    param: 'previous_response_id',
    code: 'previous_response_not_found',
  });
}
