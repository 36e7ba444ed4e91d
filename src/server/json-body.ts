/**
 * Reads every request body as JSON, whatever its Content-Type: `curl -d` without `-H` is the most
 * common first call, and there is no other body format on these endpoints. Without a master key,
 * `web-guard.ts` has already refused bodies that are not JSON (web pages send those cross-site).
 */
import type { FastifyInstance } from 'fastify';
import { badRequest } from '../errors/gateway-error.ts';

export function installJsonBody(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, function parseJson(_req, text, done) {
    const body = typeof text === 'string' ? text : text.toString('utf8');
    if (body.trim() === '') {
      done(badRequest('The request body is empty; send a JSON object.', null, 'invalid_body'), undefined);
      return;
    }
    if (tooDeep(body, MAX_DEPTH)) {
      done(
        badRequest(`The JSON body is nested more than ${MAX_DEPTH} levels deep.`, null, 'invalid_json'),
        undefined,
      );
      return;
    }
    try {
      done(null, JSON.parse(body));
    } catch (err) {
      const detail = err instanceof Error ? err.message : 'parse error';
      done(
        badRequest(`We could not parse the JSON body of your request (${detail}).`, null, 'invalid_json'),
        undefined,
      );
    }
  });
}

/** Deeper bodies than this are refused: JSON.stringify of the body (for the upstream, for the trace) overflows the stack at a few thousand levels. */
const MAX_DEPTH = 128;

/** Whether brackets outside strings nest deeper than `max`; one pass over the text, before parsing. */
function tooDeep(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > max) return true;
    } else if (c === 93 || c === 125) depth--;
  }
  return false;
}
