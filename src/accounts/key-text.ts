/**
 * Virtual keys as text: made, hashed and named. Only the sha256 of a key is stored (LiteLLM's `token`);
 * the key itself is shown once, when it is made, and its last four characters name it afterwards.
 */
import { createHash, randomBytes } from 'node:crypto';

/** 128 random bits, as LiteLLM's keys: `sk-` and 22 URL-safe characters. */
export function newKey(): string {
  return `sk-${randomBytes(16).toString('base64url')}`;
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** What lists show of a key: `sk-...abcd`. */
export function keyName(key: string): string {
  return `sk-...${key.slice(-4)}`;
}

/**
 * The stored token for a key given either way, as LiteLLM's endpoints take it: the key itself
 * (`sk-…`) or its token (the sha256 hex a list showed).
 */
export function tokenOf(keyOrToken: string): string {
  return /^[0-9a-f]{64}$/.test(keyOrToken) ? keyOrToken : hashKey(keyOrToken);
}
