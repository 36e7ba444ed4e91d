/** An Anthropic message as an OpenAI `chat.completion`: text, tool calls, thinking, stop reason, usage. */

import type { JsonObject } from '../../shared/json.ts';
import { chatCompletion, completionId, nowSeconds } from '../translated/openai-shape.ts';
import type { TranslatedAnswer } from '../translated/provider.ts';
import { isObject, objectOr } from './json.ts';
import { anthropicUsage, finishReason } from './usage.ts';

export function chatAnswer(json: JsonObject): TranslatedAnswer {
  const blocks = Array.isArray(json.content) ? json.content.filter(isObject) : [];
  const texts: string[] = [];
  const thoughts: string[] = [];
  const toolCalls: JsonObject[] = [];
  for (const block of blocks) {
    if (block.type === 'text' && typeof block.text === 'string') texts.push(block.text);
    else if (block.type === 'thinking' && typeof block.thinking === 'string') thoughts.push(block.thinking);
    else if (block.type === 'tool_use')
      toolCalls.push({
        id: block.id,
        type: 'function',
        function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
      });
  }
  const message: JsonObject = { content: texts.length > 0 ? texts.join('') : null };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (thoughts.length > 0) message.reasoning_content = thoughts.join('');
  const usage = anthropicUsage(objectOr(json.usage));
  const model = typeof json.model === 'string' ? json.model : '';
  const finish = finishReason(json.stop_reason);
  return {
    json: chatCompletion({
      id: completionId(),
      model,
      created: nowSeconds(),
      message,
      finishReason: finish,
      usage,
    }),
    usage,
    finishReason: finish ?? undefined,
    responseModel: model || undefined,
  };
}
