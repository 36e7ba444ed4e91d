/**
 * A request's tags, as LiteLLM gathers them: the body's `tags`, else the `x-litellm-tags` header
 * (comma-separated), else `metadata.tags`; then the key's and its team's tags. They route the request
 * under tag-based routing (tag-routing.ts) and go on its spend log row and its span.
 */
import { badRequest } from '../errors/gateway-error.ts';
import { isJsonObject, type JsonObject } from '../shared/json.ts';
import type { ClientHeaders } from './record.ts';

/** Tags are kept on every spend log row and span: bounded where they enter. */
const MAX_TAGS = 64;
const MAX_TAG_LENGTH = 256;

/** The client's own tags, or a 400 naming the field it got wrong. */
export function clientTags(body: JsonObject, headers: ClientHeaders): string[] {
  if (body.tags !== undefined && body.tags !== null) return checked(body.tags, 'tags');
  const header = headers['x-litellm-tags'];
  const text = Array.isArray(header) ? header.join(',') : header;
  if (text !== undefined) {
    const tags = text
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    return checked(tags, 'x-litellm-tags');
  }
  // `metadata` is also other tools' (Langfuse's tags, …): what is not a list of strings there is left alone.
  const metadata = body.metadata;
  if (isJsonObject(metadata) && Array.isArray(metadata.tags))
    return checked(
      metadata.tags.filter((t) => typeof t === 'string'),
      'metadata.tags',
    );
  return [];
}

function checked(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || !value.every((t) => typeof t === 'string'))
    throw badRequest(`${field} must be a list of strings`, field);
  if (value.length > MAX_TAGS) throw badRequest(`${field} has more than ${MAX_TAGS} tags`, field);
  if (value.some((t) => t.length > MAX_TAG_LENGTH))
    throw badRequest(`${field}: a tag is longer than ${MAX_TAG_LENGTH} characters`, field);
  return value;
}

/** The lists in order, each tag once. */
export function mergeTags(...lists: Array<readonly string[] | undefined>): string[] {
  const tags = new Set<string>();
  for (const list of lists) for (const tag of list ?? []) tags.add(tag);
  return [...tags];
}
