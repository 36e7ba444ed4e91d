/** The client dialects the gateway serves besides chat completions, by the endpoint that speaks them. */
import type { Endpoint } from '../providers/spec.ts';
import type { Dialect } from './dialect.ts';
import { messagesDialect } from './messages/index.ts';
import { responsesDialect } from './responses/index.ts';

const DIALECTS: Partial<Record<Endpoint, Dialect>> = {
  responses: responsesDialect,
  messages: messagesDialect,
};

/** `count_tokens` takes a Messages request: where it is not served natively, its chat form is counted. */
export const tokenCountDialect: Dialect = messagesDialect;

export function dialectFor(endpoint: Endpoint): Dialect | undefined {
  return DIALECTS[endpoint];
}
