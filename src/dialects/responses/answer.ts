/** A `chat.completion` as a Response object: its one assistant message as output items. */
import { readUsage } from '../../providers/openai-compatible/usage.ts';
import { nowSeconds } from '../../providers/translated/openai-shape.ts';
import { isJsonObject, type JsonObject } from '../../shared/json.ts';
import { callId, messageId, reasoningId, responseId } from './ids.ts';
import { endStatus, messageItem, reasoningItem, refusalPart, responseObject, textPart } from './response.ts';
import { type ChatCall, callItem, callItemId } from './tool-calls.ts';
import { ToolNames } from './tool-names.ts';

export function fromChat(chat: JsonObject, request: JsonObject): JsonObject {
  const choice = firstChoice(chat.choices);
  const message = isJsonObject(choice?.message) ? choice.message : {};
  const end = endStatus(choice?.finish_reason);
  const output = outputItems(message, ToolNames.of(request.tools));
  // A cut-off answer was cut in its last item; the ones before it were whole.
  const last = output.at(-1);
  if (end.status === 'incomplete' && last?.status !== undefined) last.status = 'incomplete';
  const createdAt = typeof chat.created === 'number' ? chat.created : nowSeconds();
  return responseObject(request, {
    id: responseId(),
    createdAt,
    output,
    usage: readUsage(chat.usage),
    ...end,
    completedAt: end.status === 'completed' ? nowSeconds() : undefined,
  });
}

/** Choice 0 (a Responses answer has one), or the first there is. */
function firstChoice(choices: unknown): JsonObject | undefined {
  if (!Array.isArray(choices)) return undefined;
  const objects = choices.filter(isJsonObject);
  return objects.find((c) => (c.index ?? 0) === 0) ?? objects[0];
}

/** Reasoning first, then the text, then the calls: the order OpenAI's own answers come in. */
function outputItems(message: JsonObject, names: ToolNames): JsonObject[] {
  const output: JsonObject[] = [];
  const reasoning = typeof message.reasoning_content === 'string' ? message.reasoning_content : '';
  if (reasoning !== '') output.push(reasoningItem(reasoningId(), reasoning));
  const content: JsonObject[] = [];
  const text = messageText(message.content);
  if (text !== '') content.push(textPart(text));
  if (typeof message.refusal === 'string' && message.refusal !== '')
    content.push(refusalPart(message.refusal));
  if (content.length > 0) output.push(messageItem(messageId(), 'completed', content));
  if (Array.isArray(message.tool_calls))
    for (const call of message.tool_calls.filter(isJsonObject)) {
      const chat = chatCall(call);
      const target = names.target(chat.name);
      output.push(callItem(callItemId(target), 'completed', chat, target));
    }
  return output;
}

/** A message's text: chat gives a string, though some upstreams answer with text parts. */
function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter(isJsonObject)
    .map((part) => (typeof part.text === 'string' ? part.text : ''))
    .join('');
}

function chatCall(call: JsonObject): ChatCall {
  const fn = isJsonObject(call.function) ? call.function : {};
  const args = fn.arguments;
  return {
    callId: typeof call.id === 'string' && call.id !== '' ? call.id : callId(),
    name: typeof fn.name === 'string' ? fn.name : '',
    arguments: typeof args === 'string' ? args : isJsonObject(args) ? JSON.stringify(args) : '',
  };
}
