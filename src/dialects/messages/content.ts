/**
 * Anthropic's user content blocks (text, image, document) as chat content parts. Images become
 * `image_url` parts (a base64 source as a data: URL); PDFs become `file` parts carrying the file as a
 * data: URL; plain-text documents become text. Sources chat has no way to carry (Anthropic's Files API
 * ids, PDFs by URL) are refused rather than lost.
 */
import { badRequest } from '../../errors/gateway-error.ts';
import { isObject } from '../../providers/anthropic/json.ts';
import type { JsonObject } from '../../shared/json.ts';

/** A block and its `type`, checked; `where` is its parameter path, e.g. `messages[2].content[0]`. */
export function readBlock(value: unknown, where: string): { block: JsonObject; type: string } {
  if (!isObject(value)) throw badRequest(`${where} must be an object`, where);
  if (typeof value.type !== 'string') throw badRequest(`${where}.type must be a string`, `${where}.type`);
  return { block: value, type: value.type };
}

export function textOf(block: JsonObject, where: string): string {
  if (typeof block.text !== 'string') throw badRequest(`${where}.text must be a string`, `${where}.text`);
  return block.text;
}

export const textPart = (text: string): JsonObject => ({ type: 'text', text });

/** The chat parts for one user-side block that is text, an image or a document; else undefined. */
export function contentParts(block: JsonObject, type: string, where: string): JsonObject[] | undefined {
  switch (type) {
    case 'text':
      return [textPart(textOf(block, where))];
    case 'image':
      return [imagePart(block, where)];
    case 'document':
      return documentParts(block, where);
    default:
      return undefined;
  }
}

function sourceOf(block: JsonObject, where: string): { source: JsonObject; type: string } {
  const { block: source, type } = readBlock(block.source, `${where}.source`);
  return { source, type };
}

function stringField(object: JsonObject, key: string, where: string): string {
  const value = object[key];
  if (typeof value !== 'string') throw badRequest(`${where}.${key} must be a string`, `${where}.${key}`);
  return value;
}

const dataUrl = (source: JsonObject, where: string): string =>
  `data:${stringField(source, 'media_type', where)};base64,${stringField(source, 'data', where)}`;

const unsupportedSource = (where: string, type: string, hint: string) =>
  badRequest(
    `${where}.source.type "${type}" is not supported for this model (${hint})`,
    `${where}.source.type`,
  );

function imagePart(block: JsonObject, where: string): JsonObject {
  const { source, type } = sourceOf(block, where);
  const at = `${where}.source`;
  if (type === 'base64') return { type: 'image_url', image_url: { url: dataUrl(source, at) } };
  if (type === 'url') return { type: 'image_url', image_url: { url: stringField(source, 'url', at) } };
  throw unsupportedSource(where, type, 'send the image as base64 or by URL');
}

/**
 * A document's title, when given, names the file: chat's file part wants a filename next to the data,
 * and some upstreams refuse a file without one.
 */
function documentParts(block: JsonObject, where: string): JsonObject[] {
  const { source, type } = sourceOf(block, where);
  const at = `${where}.source`;
  switch (type) {
    case 'base64': {
      const filename = typeof block.title === 'string' && block.title !== '' ? block.title : 'document.pdf';
      return [{ type: 'file', file: { filename, file_data: dataUrl(source, at) } }];
    }
    case 'text':
      return [textPart(stringField(source, 'data', at))];
    case 'content':
      return contentSource(source.content, `${at}.content`);
    default:
      // A PDF by URL: chat's file part carries only the file's bytes or an OpenAI file id.
      throw unsupportedSource(where, type, 'send the document as base64 or as text');
  }
}

/** A `content` document source: a string, or text and image blocks. */
function contentSource(content: unknown, where: string): JsonObject[] {
  if (typeof content === 'string') return [textPart(content)];
  if (!Array.isArray(content)) throw badRequest(`${where} must be a string or a list of blocks`, where);
  return content.map((value, i) => {
    const at = `${where}[${i}]`;
    const { block, type } = readBlock(value, at);
    if (type === 'text') return textPart(textOf(block, at));
    if (type === 'image') return imagePart(block, at);
    throw badRequest(`${at}: a document's content holds only text and image blocks`, `${at}.type`);
  });
}
