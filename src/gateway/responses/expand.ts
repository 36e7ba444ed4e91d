/**
 * `previous_response_id` for answers the gateway keeps whole (translated ones): the request is given
 * the earlier turns' items and loses the id, so that any provider — one that keeps no state, or OpenAI
 * itself after a fallback — gets the whole conversation. An id the gateway made natively, or does not
 * know, is left for the upstream (a translated attempt refuses it: it cannot see that conversation).
 */
import { expandConversation } from '../../dialects/responses/conversation.ts';
import { isJsonObject, type JsonObject } from '../../shared/json.ts';
import type { ResponseStore } from './store.ts';

export async function withEarlierTurns(body: JsonObject, store: ResponseStore): Promise<JsonObject> {
  const previous = body.previous_response_id;
  if (typeof previous !== 'string' || previous === '') return body;
  const entry = await store.get(previous);
  if (entry?.response === undefined) return body;
  const output = Array.isArray(entry.response.output) ? entry.response.output.filter(isJsonObject) : [];
  return expandConversation(body, { input: entry.input ?? [], output });
}
