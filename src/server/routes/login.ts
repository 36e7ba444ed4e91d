/**
 * LiteLLM's `POST /login`: its admin UI's form login (fields `username`, `password`), kept so that what
 * logs in to LiteLLM logs in here. The credentials are LiteLLM's — `UI_USERNAME` (default `admin`) and
 * `UI_PASSWORD`, else the master key — and a success is LiteLLM's 303 to the UI. No session is made:
 * Tollgate's UI asks for the master key itself and keeps it in the tab, so a cookie would only be a
 * second copy of the key for a browser to leak.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { GatewayConfig } from '../../config/types.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { sendError } from '../error-handler.ts';

export const LOGIN_ROUTES: ReadonlySet<string> = new Set(['/login']);

/** A login form is small; anything larger is not one. */
const FORM_LIMIT_BYTES = 16 * 1024;

export function registerLoginRoute(app: FastifyInstance, config: GatewayConfig): void {
  const expected =
    config.uiLogin ??
    (config.masterKey === undefined ? undefined : { username: 'admin', password: config.masterKey });
  app.register(async (scope) => {
    // Forms are read here only: every other route takes JSON (or its own upload forms).
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: FORM_LIMIT_BYTES },
      (_request, text, done) => done(null, Object.fromEntries(new URLSearchParams(String(text)))),
    );
    scope.post('/login', async (request, reply) => {
      const form = (request.body ?? {}) as Record<string, unknown>;
      // No master key and no UI_PASSWORD: the gateway is open, and so is its UI.
      if (expected !== undefined) {
        const username = typeof form.username === 'string' ? form.username : '';
        const password = typeof form.password === 'string' ? form.password : '';
        // Both compared, always, in constant time: the answer's timing tells nothing of either.
        const ok = same(username, expected.username) && same(password, expected.password);
        if (!ok)
          return sendError(
            reply,
            new GatewayError(
              'Invalid credentials used to access UI. Use UI_USERNAME and UI_PASSWORD, or admin and the master key.',
              { status: 401, type: 'auth_error', code: '401' },
            ),
          );
      }
      return reply.code(303).header('location', '/ui/?login=success').send();
    });
  });
}

function same(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  // timingSafeEqual needs equal lengths; comparing b with itself keeps the time the same.
  return timingSafeEqual(a.length === b.length ? a : b, b) && a.length === b.length;
}
