/**
 * What the gateway keeps of a response so that `previous_response_id` and
 * `GET /v1/responses/{id}/input_items` work when the upstream keeps nothing (a translated provider):
 * the request's input as items with ids, the conversation an id continues, and one page of items.
 */
import { badRequest } from '../../errors/gateway-error.ts';
import { isJsonObject, type JsonObject } from '../../shared/json.ts';
import { itemId } from './ids.ts';

/**
 * The request's `input` as the items OpenAI lists for it: a string becomes one user message, every item
 * gets an id, and a message's string content becomes a text part. The `instructions` are not items.
 */
export function inputItems(request: JsonObject): JsonObject[] {
  const input = request.input;
  if (typeof input === 'string')
    return [listed({ type: 'message', role: 'user', content: input }, 'message')];
  if (!Array.isArray(input)) return [];
  return input.filter(isJsonObject).map((item) => listed(item, listedType(item)));
}

function listedType(item: JsonObject): string {
  if (typeof item.type === 'string') return item.type;
  return item.role !== undefined ? 'message' : 'item_reference';
}

function listed(item: JsonObject, type: string): JsonObject {
  const id = typeof item.id === 'string' && item.id !== '' ? item.id : itemId(type);
  const out: JsonObject = { id, ...item, type };
  if (type !== 'message') return out;
  out.status ??= 'completed';
  if (typeof item.content === 'string') out.content = [textPart(item.role, item.content)];
  return out;
}

/** An assistant's text is output text (what the model said); everyone else's is input text. */
function textPart(role: unknown, text: string): JsonObject {
  return role === 'assistant' ? { type: 'output_text', text, annotations: [] } : { type: 'input_text', text };
}

export interface EarlierTurn {
  /** The earlier response's whole input, as items (its own conversation included). */
  input: JsonObject[];
  /** The earlier response's output items. */
  output: JsonObject[];
}

/**
 * The request with the conversation its `previous_response_id` continues written out: the earlier input
 * and output items (reasoning included, as it came), then this request's input. The instructions are
 * this request's only: OpenAI does not carry them over either.
 */
export function expandConversation(request: JsonObject, earlier: EarlierTurn): JsonObject {
  const { previous_response_id: _continued, ...rest } = request;
  return { ...rest, input: [...earlier.input, ...earlier.output, ...inputItems(request)] };
}

export interface PageQuery {
  after?: unknown;
  before?: unknown;
  limit?: unknown;
  order?: unknown;
}

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;

/** One page of `items` as OpenAI's list object. Newest first unless `order` is `asc`. */
export function inputItemsPage(items: JsonObject[], query: PageQuery): JsonObject {
  const order = query.order ?? 'desc';
  if (order !== 'asc' && order !== 'desc') throw badRequest("order must be 'asc' or 'desc'", 'order');
  const limit = pageLimit(query.limit);
  const list = order === 'asc' ? items : [...items].reverse();
  const start = query.after == null ? 0 : position(list, query.after, 'after') + 1;
  const end = query.before == null ? list.length : position(list, query.before, 'before');
  let data: JsonObject[];
  let hasMore: boolean;
  if (query.before != null && query.after == null) {
    // Paging backwards: the items right before the cursor.
    const from = Math.max(start, end - limit);
    data = list.slice(from, end);
    hasMore = from > start;
  } else {
    data = list.slice(start, Math.max(start, Math.min(end, start + limit)));
    hasMore = start + limit < end;
  }
  return {
    object: 'list',
    data,
    first_id: data[0]?.id ?? null,
    last_id: data.at(-1)?.id ?? null,
    has_more: hasMore,
  };
}

/** A limit from a query string or a number: a whole number from 1 to 100. */
function pageLimit(value: unknown): number {
  if (value === undefined || value === null || value === '') return DEFAULT_LIMIT;
  const limit = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    throw badRequest(`limit must be a whole number from 1 to ${MAX_LIMIT}`, 'limit');
  return limit;
}

function position(list: JsonObject[], id: unknown, param: string): number {
  const index = typeof id === 'string' ? list.findIndex((item) => item.id === id) : -1;
  if (index < 0) throw badRequest(`${param}: no input item with id ${JSON.stringify(id)}`, param);
  return index;
}
