/**
 * OpenAI message content (a string or a list of parts) as Anthropic content blocks: text stays text,
 * `image_url` becomes an image block whose source is the base64 payload of a data: URL or the URL
 * itself. Parts Anthropic has no equivalent for are refused rather than silently lost. A part's
 * `cache_control` (LiteLLM's way to mark a prompt-cache breakpoint) stays on its block.
 */
import { badRequest } from '../../errors/gateway-error.ts';
import type { JsonObject } from '../../shared/json.ts';
import { isObject } from './json.ts';

/** `data:<media type>;base64,<payload>`, the only data: URL form Anthropic's base64 source can carry. */
const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

/** Content blocks for one message's content; empty texts are left out, as Anthropic rejects them. */
export function contentBlocks(content: unknown, where: string): JsonObject[] {
  if (content === null || content === undefined) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  if (!Array.isArray(content))
    throw badRequest(`${where}: content must be a string or a list of parts`, 'messages');
  return content.flatMap((part, i) => partBlocks(part, `${where}.content[${i}]`));
}

function partBlocks(part: unknown, where: string): JsonObject[] {
  if (typeof part === 'string') return part === '' ? [] : [{ type: 'text', text: part }];
  if (!isObject(part)) throw badRequest(`${where}: a content part must be an object`, 'messages');
  if (part.type === 'text') {
    if (typeof part.text !== 'string') throw badRequest(`${where}: a text part needs text`, 'messages');
    return part.text === '' ? [] : [withCacheControl({ type: 'text', text: part.text }, part.cache_control)];
  }
  if (part.type === 'image_url')
    return [withCacheControl(imageBlock(part.image_url, where), part.cache_control)];
  throw badRequest(
    `${where}: anthropic does not take content parts of type ${String(part.type)} (only text and image_url)`,
    'messages',
  );
}

function imageBlock(image: unknown, where: string): JsonObject {
  const url = typeof image === 'string' ? image : isObject(image) ? image.url : undefined;
  if (typeof url !== 'string') throw badRequest(`${where}: image_url needs a url`, 'messages');
  const data = DATA_URL.exec(url);
  if (data) return { type: 'image', source: { type: 'base64', media_type: data[1], data: data[2] } };
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } };
  throw badRequest(
    `${where}: an image must be an http(s) URL or a base64 data: URL (data:image/png;base64,…)`,
    'messages',
  );
}

/** The block with the client's prompt-cache breakpoint, when it set one. */
export function withCacheControl(block: JsonObject, cacheControl: unknown): JsonObject {
  return isObject(cacheControl) ? { ...block, cache_control: cacheControl } : block;
}
