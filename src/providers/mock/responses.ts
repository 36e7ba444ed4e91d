/** OpenAI-shaped bodies and chunks for the mock provider, so clients cannot tell it from a real API. */
import { randomUUID } from 'node:crypto';
import type { JsonObject } from '../../shared/json.ts';
import type { Usage } from '../spec.ts';

export interface MockAnswer {
  id: string;
  created: number;
  model: string;
  text: string;
  usage: Usage;
}

export function newAnswer(
  prefix: 'chatcmpl' | 'cmpl',
  model: string,
  text: string,
  usage: Usage,
): MockAnswer {
  return { id: `${prefix}-${randomUUID()}`, created: Math.floor(Date.now() / 1000), model, text, usage };
}

export function usageJson(u: Usage): JsonObject {
  return {
    prompt_tokens: u.promptTokens,
    completion_tokens: u.completionTokens,
    total_tokens: u.totalTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
  };
}

export function chatCompletion(a: MockAnswer): JsonObject {
  return {
    id: a.id,
    object: 'chat.completion',
    created: a.created,
    model: a.model,
    system_fingerprint: null,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: a.text, refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: usageJson(a.usage),
  };
}

export function textCompletion(a: MockAnswer): JsonObject {
  return {
    id: a.id,
    object: 'text_completion',
    created: a.created,
    model: a.model,
    choices: [{ text: a.text, index: 0, logprobs: null, finish_reason: 'stop' }],
    usage: usageJson(a.usage),
  };
}

/**
 * The chunks of a streamed answer, in order, as OpenAI sends them to a client that asked for usage when
 * `includeUsage` (`"usage": null` on each). The usage chunk always comes last: it is what the gateway
 * reads the counts from, and it is left out for clients that did not ask.
 */
export function* streamChunks(
  kind: 'chat' | 'completions',
  a: MockAnswer,
  includeUsage: boolean,
): Generator<JsonObject> {
  const head = {
    id: a.id,
    object: kind === 'chat' ? 'chat.completion.chunk' : 'text_completion',
    created: a.created,
    model: a.model,
  };
  const extra = includeUsage ? { usage: null } : {};
  const choice = (content: JsonObject | string, finish: string | null) =>
    kind === 'chat'
      ? { index: 0, delta: content, logprobs: null, finish_reason: finish }
      : { text: content, index: 0, logprobs: null, finish_reason: finish };
  if (kind === 'chat') {
    yield {
      ...head,
      system_fingerprint: null,
      choices: [choice({ role: 'assistant', content: '' }, null)],
      ...extra,
    };
  }
  for (const piece of splitWords(a.text)) {
    yield { ...head, choices: [choice(kind === 'chat' ? { content: piece } : piece, null)], ...extra };
  }
  yield { ...head, choices: [choice(kind === 'chat' ? {} : '', 'stop')], ...extra };
  yield { ...head, choices: [], usage: usageJson(a.usage) };
}

/** Word-sized pieces that keep their whitespace, like a tokenizer's output would. */
export function splitWords(text: string): string[] {
  return text.match(/\s*\S+/g) ?? [text];
}
