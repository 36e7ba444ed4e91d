/**
 * Who and what a request belongs to: `user.id`, `session.id`, `metadata` and `tag.tags`, from the body's
 * `user` and `metadata` fields (LiteLLM's places for them) or the `x-user-id` / `x-session-id` headers.
 * `tags`: the request's gathered tags (request-tags.ts), when the gateway got as far as reading them.
 */

import { SemanticConventions as SC } from '@arizeai/openinference-semantic-conventions';
import type { Attributes } from '@opentelemetry/api';
import { redactJsonText } from '../errors/redact.ts';
import type { ClientHeaders } from '../gateway/record.ts';
import type { JsonObject } from '../shared/json.ts';

export function contextAttributes(body: JsonObject, headers: ClientHeaders, tags?: string[]): Attributes {
  const a: Attributes = {};
  const metadata =
    typeof body.metadata === 'object' && body.metadata !== null ? (body.metadata as JsonObject) : undefined;
  const user = header(headers, 'x-user-id') ?? (typeof body.user === 'string' ? body.user : undefined);
  if (user) a[SC.USER_ID] = user;
  const session = header(headers, 'x-session-id') ?? stringField(metadata, 'session_id');
  if (session) a[SC.SESSION_ID] = session;
  if (metadata) {
    a[SC.METADATA] = redactJsonText(JSON.stringify(metadata));
    if (tags === undefined && Array.isArray(metadata.tags))
      tags = metadata.tags.filter((t): t is string => typeof t === 'string');
  }
  if (tags !== undefined && tags.length > 0) a[SC.TAG_TAGS] = tags;
  return a;
}

function header(headers: ClientHeaders, name: string): string | undefined {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first?.trim() || undefined;
}

function stringField(object: JsonObject | undefined, key: string): string | undefined {
  const value = object?.[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
