/**
 * Reads every request body as JSON, whatever its Content-Type: `curl -d` without `-H` is the most
 * common first call, and there is no other body format on these endpoints.
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
