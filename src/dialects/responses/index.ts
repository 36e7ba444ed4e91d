/**
 * OpenAI's Responses API as a client dialect: served natively by upstreams that speak it, translated
 * through chat completions for every other one.
 */
import type { Dialect } from '../dialect.ts';
import { fromChat } from './answer.ts';
import { errorAnswer } from './errors.ts';
import { nativeFacts, nativeStream } from './native.ts';
import { toChat } from './request.ts';
import { streamFromChat } from './stream.ts';

export const responsesDialect: Dialect = {
  name: 'responses',
  toChat,
  fromChat,
  streamFromChat,
  nativeFacts,
  nativeStream,
  errorAnswer,
};

export {
  type EarlierTurn,
  expandConversation,
  inputItems,
  inputItemsPage,
  type PageQuery,
} from './conversation.ts';
