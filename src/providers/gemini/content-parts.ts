/**
 * OpenAI message `content` (a string or a list of parts) as Gemini parts: text, images as inline data
 * (`data:` URLs) or file references (http(s) URLs), and audio as inline data.
 */
import { badRequest } from '../../errors/gateway-error.ts';
import type { JsonObject } from '../../shared/json.ts';
import type { GeminiPart } from './types.ts';

/** Types Gemini accepts by URL, guessed from the extension; an unknown one is left for Gemini to sniff. */
const MIME_BY_EXTENSION: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
};

/** The Gemini parts of one message's content; empty text is left out (Gemini refuses empty parts). */
export function contentParts(content: unknown, where: string): GeminiPart[] {
  if (content === null || content === undefined) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }];
  if (!Array.isArray(content)) throw badRequest(`${where}.content must be a string or a list of parts`);
  return content.flatMap((part, i) => partOf(part as JsonObject, `${where}.content[${i}]`));
}

function partOf(part: JsonObject, where: string): GeminiPart[] {
  switch (part?.type) {
    case 'text':
      return typeof part.text === 'string' && part.text !== '' ? [{ text: part.text }] : [];
    case 'image_url':
      return [imagePart(part.image_url, where)];
    case 'input_audio': {
      const audio = part.input_audio as JsonObject | undefined;
      if (typeof audio?.data !== 'string' || typeof audio.format !== 'string')
        throw badRequest(`${where}.input_audio needs data and format`, 'messages');
      return [{ inlineData: { mimeType: `audio/${audio.format}`, data: audio.data } }];
    }
    default:
      throw badRequest(
        `gemini cannot take content parts of type ${JSON.stringify(part?.type)} (${where})`,
        'messages',
      );
  }
}

function imagePart(imageUrl: unknown, where: string): GeminiPart {
  const url = typeof imageUrl === 'string' ? imageUrl : (imageUrl as JsonObject | undefined)?.url;
  if (typeof url !== 'string') throw badRequest(`${where}.image_url.url must be a string`, 'messages');
  if (url.startsWith('data:')) {
    const match = /^data:([^;,]+)(?:;[^,]*)?;base64,(.*)$/s.exec(url);
    if (!match?.[1] || match[2] === undefined)
      throw badRequest(`${where}.image_url: only base64 data: URLs can be sent to gemini`, 'messages');
    return { inlineData: { mimeType: match[1], data: match[2] } };
  }
  if (!/^https?:\/\//i.test(url))
    throw badRequest(`${where}.image_url.url must be an http(s) or data: URL`, 'messages');
  const extension = /\.([a-z0-9]+)(?:[?#].*)?$/i.exec(url)?.[1]?.toLowerCase();
  const mimeType = extension === undefined ? undefined : MIME_BY_EXTENSION[extension];
  return { fileData: mimeType === undefined ? { fileUri: url } : { fileUri: url, mimeType } };
}
