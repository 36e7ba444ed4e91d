/** A `chat.completion` as Anthropic's `Message`: thinking, then text, then tool calls, as Claude orders them. */
import { isObject, objectOr } from '../../providers/anthropic/json.ts';
import { readUsage } from '../../providers/openai-compatible/usage.ts';
import type { JsonObject } from '../../shared/json.ts';
import {
  message,
  messageId,
  requestedModel,
  stopReason,
  textBlock,
  thinkingBlock,
  toolInput,
  toolUseBlock,
  toolUseId,
} from './shape.ts';

export function fromChat(chat: JsonObject, request: JsonObject): JsonObject {
  const choices = Array.isArray(chat.choices) ? chat.choices.filter(isObject) : [];
  const choice = choices.find((c) => (c.index ?? 0) === 0) ?? {};
  const answer = objectOr(choice.message);
  const content: JsonObject[] = [];
  if (typeof answer.reasoning_content === 'string' && answer.reasoning_content !== '')
    content.push(thinkingBlock(answer.reasoning_content));
  const text = messageText(answer.content);
  // OpenAI's structured outputs decline in `refusal`, apart from the content; Anthropic's refusal is text.
  const refusal = typeof answer.refusal === 'string' && answer.refusal !== '' ? answer.refusal : undefined;
  if (text !== '' || refusal !== undefined) content.push(textBlock(text + (refusal ?? '')));
  const calls = Array.isArray(answer.tool_calls) ? answer.tool_calls.filter(isObject) : [];
  for (const call of calls) {
    const fn = objectOr(call.function);
    const id = typeof call.id === 'string' && call.id !== '' ? call.id : toolUseId();
    content.push(toolUseBlock(id, typeof fn.name === 'string' ? fn.name : '', toolInput(fn.arguments)));
  }
  const finish = refusal !== undefined ? 'content_filter' : choice.finish_reason;
  return message({
    id: messageId(),
    model: requestedModel(request, chat.model),
    content,
    stopReason: stopReason(typeof finish === 'string' ? finish : undefined, calls.length > 0),
    usage: readUsage(chat.usage),
  });
}

/** Chat content is a string, or (from some servers) a list of text parts. */
function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter(isObject)
    .map((part) => (part.type === 'text' && typeof part.text === 'string' ? part.text : ''))
    .join('');
}
