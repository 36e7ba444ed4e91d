/**
 * Who may use the trace store's API (OTLP ingest and search). Stored prompts and answers are private:
 * with a master key, callers must present it — `Authorization: Bearer <key>`, `x-api-key`, or HTTP
 * Basic with the key as the password, so OpenObserve-style `OPENOBSERVE_AUTH_TOKEN` values work.
 * Without a master key the API is open only when the gateway listens on a loopback address.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { digest } from '../auth.ts';
import { sendStoreError } from './store-errors.ts';

/** OpenObserve's challenge on a 401 (its auth validator's, without single sign-on). */
export const WWW_AUTHENTICATE = 'Bearer realm="openobserve"';

/** OpenObserve's auth middleware answers in plain text, a 401 with its challenge. */
function refuse(reply: FastifyReply, status: 401 | 403, message: string): FastifyReply {
  if (status === 401) reply.header('www-authenticate', WWW_AUTHENTICATE);
  return sendStoreError(reply, status, message, { text: true });
}

export interface StoreAuthOptions {
  masterKey?: string;
  /** The gateway is bound to 127.0.0.1, ::1 or localhost. */
  loopback: boolean;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost', '::ffff:127.0.0.1']);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith('127.');
}

export function createStoreAuthHook(options: StoreAuthOptions) {
  const expected = options.masterKey === undefined ? undefined : digest(options.masterKey);
  return async function authenticateStore(request: FastifyRequest, reply: FastifyReply) {
    if (expected === undefined) {
      if (options.loopback) return;
      return refuse(
        reply,
        403,
        'The trace store API is closed: Tollgate listens on a non-loopback address without a master key. ' +
          'Set general_settings.master_key (or LITELLM_MASTER_KEY) to open it to callers that present the key.',
      );
    }
    const keys = presentedKeys(request);
    if (keys.length === 0)
      return refuse(
        reply,
        401,
        'Unauthorized Access: send the master key as "Authorization: Bearer <key>" or as the password of HTTP Basic auth',
      );
    if (!keys.some((key) => timingSafeEqual(digest(key), expected)))
      return refuse(reply, 401, 'Unauthorized Access: the key is not valid');
  };
}

function presentedKeys(request: FastifyRequest): string[] {
  const keys: string[] = [];
  const auth = request.headers.authorization?.trim() ?? '';
  const bearer = /^Bearer\s+(.+)$/i.exec(auth);
  if (bearer?.[1]?.trim()) keys.push(bearer[1].trim());
  const basic = /^Basic\s+([A-Za-z0-9+/=_-]+)$/i.exec(auth);
  if (basic?.[1]) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    // The password is the key; a token with no colon is taken whole.
    const key = colon >= 0 ? decoded.slice(colon + 1) : decoded;
    if (key.trim()) keys.push(key);
  }
  // As on the LLM routes, Authorization decides when it carries a key: a wrong one is not rescued by
  // a right x-api-key (any key presented must be the right one).
  if (keys.length > 0) return keys;
  const apiKey = request.headers['x-api-key'];
  const fromHeader = (Array.isArray(apiKey) ? apiKey[0] : apiKey)?.trim();
  if (fromHeader) keys.push(fromHeader);
  return keys;
}
