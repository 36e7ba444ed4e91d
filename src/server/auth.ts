/**
 * Master-key auth: `Authorization: Bearer <key>` or `x-api-key: <key>`, compared in constant time.
 * Decided on the matched route, not the raw URL, so encoded or dotted path variants cannot slip past.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../errors/gateway-error.ts';
import { sendError } from './error-handler.ts';

/** Probes a load balancer or orchestrator must reach without a key. */
export const PUBLIC_ROUTES = new Set(['/health/liveliness', '/health/liveness', '/health/readiness']);

export interface AuthOptions {
  masterKey?: string;
  publicRoutes?: ReadonlySet<string>;
}

export function createAuthHook(options: AuthOptions) {
  const expected = options.masterKey === undefined ? undefined : digest(options.masterKey);
  const publicRoutes = options.publicRoutes ?? PUBLIC_ROUTES;
  return async function authenticate(request: FastifyRequest, reply: FastifyReply) {
    if (expected === undefined) return;
    if (publicRoutes.has(request.routeOptions.url ?? '')) return;
    const key = presentedKey(request);
    if (key === undefined) {
      return sendError(
        reply,
        authError('No API key passed in. Send it as "Authorization: Bearer <key>" or "x-api-key: <key>".'),
      );
    }
    if (!timingSafeEqual(digest(key), expected)) return sendError(reply, authError('Invalid API key.'));
  };
}

function presentedKey(request: FastifyRequest): string | undefined {
  const auth = request.headers.authorization;
  if (typeof auth === 'string') {
    const match = /^Bearer\s+(.*)$/i.exec(auth.trim());
    const key = match?.[1]?.trim();
    if (key) return key;
  }
  const apiKey = request.headers['x-api-key'];
  const key = (Array.isArray(apiKey) ? apiKey[0] : apiKey)?.trim();
  return key ? key : undefined;
}

/** Hashing first gives equal lengths, which timingSafeEqual needs, without leaking the key's length. */
export function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** LiteLLM's shape for auth failures, which its users' clients already match on. */
function authError(message: string): GatewayError {
  return new GatewayError(`Authentication Error: ${message}`, {
    status: 401,
    type: 'auth_error',
    code: '401',
  });
}
