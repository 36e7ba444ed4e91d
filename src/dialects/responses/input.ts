/**
 * The Responses API's `input` as chat messages. Messages map one to one (`developer` becomes `system`);
 * `function_call` items become the `tool_calls` of an assistant message and `function_call_output`
 * items `tool` messages. Chat wants a turn's calls on one assistant message, so calls that follow each
 * other, and the assistant message right before them, are merged.
 */
import { badRequest } from '../../errors/gateway-error.ts';
import { isJsonObject, type JsonObject } from '../../shared/json.ts';
import { chatContent, stringField } from './content.ts';

export function inputMessages(input: unknown): JsonObject[] {
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  if (!Array.isArray(input)) throw badRequest('input must be a string or a list of input items', 'input');
  const list = new MessageList();
  for (const [i, item] of input.entries()) addItem(list, item, `input[${i}]`);
  return list.messages;
}

class MessageList {
  readonly messages: JsonObject[] = [];
  /** The assistant message last added: function calls right after it join it. */
  private assistant: JsonObject | undefined;

  add(message: JsonObject): void {
    this.messages.push(message);
    this.assistant = message.role === 'assistant' ? message : undefined;
  }

  addToolCall(call: JsonObject): void {
    if (this.assistant === undefined) this.add({ role: 'assistant', content: null });
    const assistant = this.assistant as JsonObject;
    const calls = Array.isArray(assistant.tool_calls) ? assistant.tool_calls : [];
    assistant.tool_calls = [...calls, call];
  }
}

function addItem(list: MessageList, item: unknown, where: string): void {
  if (!isJsonObject(item)) throw badRequest(`${where} must be an object`, where);
  switch (itemType(item, where)) {
    case 'message':
      list.add(message(item, where));
      return;
    case 'function_call':
      list.addToolCall(toolCall(item, where));
      return;
    case 'function_call_output':
      list.add(toolOutput(item, where));
      return;
    case 'reasoning':
      // Dropped: chat has no standard field for earlier reasoning in a request (some upstreams refuse
      // `reasoning_content` on input messages), and a summary is not the reasoning the model did anyway.
      return;
    case 'item_reference':
      throw badRequest(
        `${where}: item references are not supported for this model; send the items themselves`,
        `${where}.type`,
      );
    default:
      throw badRequest(
        `${where}.type: input items of type '${String(item.type)}' are not supported for this model`,
        `${where}.type`,
      );
  }
}

/** An item's type: messages may leave it out (they have a role), item references too (only an id). */
function itemType(item: JsonObject, where: string): string {
  if (typeof item.type === 'string') return item.type;
  if (item.type !== undefined && item.type !== null)
    throw badRequest(`${where}.type must be a string`, `${where}.type`);
  if (item.role !== undefined) return 'message';
  if (typeof item.id === 'string') return 'item_reference';
  throw badRequest(`${where} needs a type (or a role, for a message)`, `${where}.type`);
}

function message(item: JsonObject, where: string): JsonObject {
  const role = item.role;
  if (role !== 'user' && role !== 'assistant' && role !== 'system' && role !== 'developer')
    throw badRequest(`${where}.role must be one of user, assistant, system, developer`, `${where}.role`);
  const content = chatContent(item.content, `${where}.content`, role === 'user' ? 'any' : 'text');
  return { role: role === 'developer' ? 'system' : role, content };
}

function toolCall(item: JsonObject, where: string): JsonObject {
  return {
    id: stringField(item, 'call_id', where),
    type: 'function',
    function: { name: stringField(item, 'name', where), arguments: stringField(item, 'arguments', where) },
  };
}

function toolOutput(item: JsonObject, where: string): JsonObject {
  return {
    role: 'tool',
    tool_call_id: stringField(item, 'call_id', where),
    // Chat's tool messages hold text only.
    content: chatContent(item.output, `${where}.output`, 'text'),
  };
}
