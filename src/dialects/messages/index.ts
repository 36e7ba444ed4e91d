/**
 * Anthropic's Messages API (`POST /v1/messages`) as a client dialect: served natively by Anthropic
 * deployments, translated through chat completions for every other provider.
 */
import type { Dialect } from '../dialect.ts';
import { fromChat } from './answer.ts';
import { errorAnswer } from './errors.ts';
import { nativeFacts, nativeStream } from './native.ts';
import { toChat } from './request.ts';
import { streamFromChat } from './stream.ts';

export const messagesDialect: Dialect = {
  name: 'messages',
  toChat,
  fromChat,
  streamFromChat,
  nativeFacts,
  nativeStream,
  errorAnswer,
};
