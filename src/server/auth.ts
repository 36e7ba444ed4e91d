/**
 * Key auth: `Authorization: Bearer <key>` or `x-api-key: <key>`. The master key is compared in constant
 * time; any other key is looked up as a virtual key by its sha256 (accounts/), which may call the model
 * routes and the few others listed for it, unless its user is a proxy admin. Decided on the matched
 * route, not the raw URL, so encoded or dotted path variants cannot slip past.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../accounts/accounts.ts';
import { asRefusal } from '../accounts/errors.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { sendError } from './error-handler.ts';
import { isAdmin, isInternalUser, setPrincipal } from './principal.ts';

/** Probes a load balancer or orchestrator must reach without a key. */
export const PUBLIC_ROUTES = new Set(['/health/liveliness', '/health/liveness', '/health/readiness']);

export interface AuthOptions {
  masterKey?: string;
  publicRoutes?: ReadonlySet<string>;
  /** Virtual keys, by the sha256 of the key. Routes say whether any key may call them (principal.ts). */
  lookup?: (token: string) => Promise<Principal | undefined>;
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
    const hashed = digest(key);
    if (timingSafeEqual(hashed, expected)) return;
    // The same sha256 is a virtual key's stored token (accounts/key-text.ts's hashKey).
    let principal: Principal | undefined;
    try {
      principal = await options.lookup?.(hashed.toString('hex'));
    } catch (err) {
      request.log.warn({ err }, 'could not look a virtual key up');
      return sendError(reply, asRefusal(err));
    }
    if (principal === undefined) return sendError(reply, authError('Invalid API key.'));
    const route = request.routeOptions.url ?? '';
    const config = request.routeOptions.config;
    const allowed =
      // No route matched: the not-found handler answers (a 404 says more than "admins only").
      request.routeOptions.url === undefined ||
      isAdmin(principal) ||
      config?.virtualKeys === true ||
      (config?.internalUsers === true && isInternalUser(principal));
    if (!allowed)
      return sendError(
        reply,
        authError(
          `Only proxy admin can be used to generate, delete, update info for new keys/users/teams. Route=${route}. Your role=${String(principal.user?.user_role ?? 'none')}.`,
        ),
      );
    setPrincipal(request, principal);
  };
}

function presentedKey(request: FastifyRequest): string | undefined {
  const auth = request.headers.authorization;
  if (typeof auth === 'string') {
    const match = /^Bearer\s+(.*)$/i.exec(auth.trim());
    const key = match?.[1]?.trim();
    if (key) return key;
  }
  // Anthropic's header, and Azure OpenAI's (its clients send the key as `api-key`).
  const apiKey = request.headers['x-api-key'] ?? request.headers['api-key'];
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
