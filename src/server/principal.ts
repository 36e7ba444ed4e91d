/**
 * The virtual key a request came with, as the auth hook found it, for the routes that act on it (the
 * model routes admit and charge it; `/key/info` without a key names it). Unset for the master key.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from '../accounts/accounts.ts';

declare module 'fastify' {
  interface FastifyRequest {
    tollgatePrincipal: Principal | null;
  }
}

/**
 * A field every request has from the start (Fastify's decoration), not a WeakMap keyed by request: on
 * the request path a WeakMap's entries cost their set and, in every garbage collection, their weak
 * processing.
 */
export function decoratePrincipal(app: FastifyInstance): void {
  app.decorateRequest('tollgatePrincipal', null);
}

export function setPrincipal(request: FastifyRequest, principal: Principal): void {
  request.tollgatePrincipal = principal;
}

export function principalOf(request: FastifyRequest): Principal | undefined {
  return request.tollgatePrincipal ?? undefined;
}

/** A key whose user is a proxy admin may do what the master key does. */
export function isAdmin(principal: Principal | undefined): boolean {
  return principal === undefined || principal.user?.user_role === 'proxy_admin';
}

/** Route options of a route any virtual key may call (models, the model endpoints, a key's own info). */
export const KEYS = { config: { virtualKeys: true } };

/**
 * Route options of a route an internal user's key may call for itself (LiteLLM's self-serve key
 * management): the route checks that what it touches is the caller's own.
 */
export const INTERNAL_USERS = { config: { internalUsers: true } };

/** Roles LiteLLM knows that are not an internal user's. */
const OTHER_ROLES = new Set([
  'proxy_admin',
  'proxy_admin_viewer',
  'internal_user_viewer',
  'team',
  'customer',
]);

/**
 * Whether the key's user is an internal user, whose keys may manage its own keys. As in LiteLLM, a user
 * with no role (or one it does not know) is one; a key with no user row is not.
 */
export function isInternalUser(principal: Principal | undefined): boolean {
  const user = principal?.user;
  if (user === undefined) return false;
  const role = user.user_role;
  return typeof role !== 'string' || !OTHER_ROLES.has(role);
}
