/**
 * User and session ids (OpenObserve's `metadata.rs`), written as `user.id` and
 * `gen_ai.conversation.id`: the span's own keys first, then the resource's.
 */
import { GEN_AI, LANGFUSE, SESSION_ID, USER_ID, VERCEL } from './attributes.ts';
import { type Attrs, text } from './values.ts';

/** `service_user.id` is how OpenObserve names a resource's `user.id`; a span may carry it too. */
const USER_KEYS = [USER_ID, VERCEL.userId, 'service_user.id'];
const SESSION_KEYS = [
  SESSION_ID,
  GEN_AI.conversationId,
  VERCEL.sessionId,
  LANGFUSE.langfuseSessionId,
  LANGFUSE.sessionId,
  'service_session.id',
];

export function userId(attrs: Attrs, resource: Attrs): string | undefined {
  return firstText(attrs, USER_KEYS) ?? firstText(resource, USER_KEYS);
}

export function sessionId(attrs: Attrs, resource: Attrs): string | undefined {
  return firstText(attrs, SESSION_KEYS) ?? firstText(resource, SESSION_KEYS);
}

/** Unlike the model's keys, a key whose value is no string is skipped, not decisive. */
function firstText(attrs: Attrs, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = text(attrs.get(key));
    if (value !== undefined) return value;
  }
  return undefined;
}
