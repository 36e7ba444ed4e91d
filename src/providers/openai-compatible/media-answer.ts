/**
 * Answers of OpenAI's media endpoints as the gateway relays them: audio and text transcripts as bytes
 * with their content type, and for the trace what can be read there — never audio, never an image's
 * base64.
 */
import type { JsonObject } from '../../shared/json.ts';
import type { CallFacts, Endpoint, MediaSuccess, Usage } from '../spec.ts';

/** Endpoints whose answer may be other than JSON: speech audio, a transcript as text, SRT or VTT. */
export const MEDIA_ENDPOINTS: ReadonlySet<Endpoint> = new Set<Endpoint>(['speech', 'transcriptions']);

/** `application/json` and the `+json` types, with or without parameters. */
export function isJsonType(contentType: string): boolean {
  return /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(contentType);
}

export function mediaSuccess(
  facts: CallFacts,
  bytes: Buffer,
  contentType: string,
  headers: Record<string, string>,
  usage?: Usage,
): MediaSuccess {
  const type = contentType === '' ? 'application/octet-stream' : contentType;
  // A transcript is worth reading in a trace; audio is only worth its type and size.
  const trace: MediaSuccess['trace'] = /^text\//i.test(type)
    ? { value: bytes.toString('utf8'), mimeType: 'text/plain' }
    : { value: JSON.stringify({ content_type: type, bytes: bytes.length }), mimeType: 'application/json' };
  return { ...facts, ok: true, kind: 'media', body: bytes, contentType: type, headers, trace, usage };
}

/**
 * An images answer for the trace: each image's base64 replaced by its length. The client gets it whole;
 * a span would keep only its first kilobytes anyway, which say nothing.
 */
export function imagesForTrace(json: JsonObject): string | undefined {
  if (!Array.isArray(json.data)) return undefined;
  let replaced = false;
  const data = json.data.map((image: unknown) => {
    if (typeof image !== 'object' || image === null) return image;
    const b64 = (image as JsonObject).b64_json;
    if (typeof b64 !== 'string') return image;
    replaced = true;
    return { ...image, b64_json: `[${b64.length} base64 characters]` };
  });
  return replaced ? JSON.stringify({ ...json, data }) : undefined;
}
