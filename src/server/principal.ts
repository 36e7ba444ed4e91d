/**
 * The virtual key a request came with, as the auth hook found it, for the routes that act on it (the
 * model routes admit and charge it; `/key/info` without a key names it). Unset for the master key.
 */
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../accounts/accounts.ts';

const principals = new WeakMap<FastifyRequest, Principal>();

export function setPrincipal(request: FastifyRequest, principal: Principal): void {
  principals.set(request, principal);
}

export function principalOf(request: FastifyRequest): Principal | undefined {
  return principals.get(request);
}

/** A key whose user is a proxy admin may do what the master key does. */
export function isAdmin(principal: Principal | undefined): boolean {
  return principal === undefined || principal.user?.user_role === 'proxy_admin';
}

/** Route options of a route any virtual key may call (models, the model endpoints, a key's own info). */
export const KEYS = { config: { virtualKeys: true } };
