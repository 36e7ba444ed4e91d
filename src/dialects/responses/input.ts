/**
 * The Responses API's `instructions` and `input` as chat messages.
 *
 * - The instructions and every `system` and `developer` message, wherever it is in the input, are
 *   joined in order by a blank line into one system message, first: many chat templates (Qwen's,
 *   Llama's) refuse a system message anywhere else, and Codex sends two developer messages.
 * - Other messages map one to one. Calls (`function_call`, `custom_tool_call`, and the calls of
 *   OpenAI's shell and patch tools, which the client ran) become the `tool_calls` of an assistant
 *   message, their outputs `tool` messages (see `input-calls.ts`). Chat wants a turn's calls on one
 *   assistant message, so calls that follow each other, and the assistant message right before them,
 *   are merged.
 * - Dropped: `reasoning` (chat has no standard field for earlier reasoning in a request, and some
 *   upstreams refuse `reasoning_content` on input messages; a summary is not the reasoning the model
 *   did anyway), `compaction` (encrypted, only OpenAI can read it) and `web_search_call` (its results
 *   were never in chat).
 */
import { badRequest } from '../../errors/gateway-error.ts';
import { isJsonObject, type JsonObject } from '../../shared/json.ts';
import { chatContent } from './content.ts';
import { builtInCall, builtInOutput, customCall, functionCall, toolOutput } from './input-calls.ts';
import type { ToolNames } from './tool-names.ts';

export function chatMessages(
  instructions: string | undefined,
  input: unknown,
  names: ToolNames,
): JsonObject[] {
  const list = new MessageList();
  if (instructions !== undefined) list.system.push(instructions);
  if (typeof input === 'string') list.add({ role: 'user', content: input });
  else if (Array.isArray(input))
    for (const [i, item] of input.entries()) addItem(list, item, `input[${i}]`, names);
  else throw badRequest('input must be a string or a list of input items', 'input');
  return list.finish();
}

class MessageList {
  /** The texts of the one system message. */
  readonly system: string[] = [];
  private readonly messages: JsonObject[] = [];
  /** The assistant message last added: calls right after it join it. */
  private assistant: JsonObject | undefined;
  /**
   * Images and files tool outputs returned. A tool message holds text only, so they go in a user
   * message after the outputs (ahead of what the user wrote next, if a user message follows).
   */
  private returned: JsonObject[] = [];

  add(message: JsonObject): void {
    if (message.role !== 'tool') this.giveBack(message);
    this.messages.push(message);
    this.assistant = message.role === 'assistant' ? message : undefined;
  }

  addToolCall(call: JsonObject): void {
    if (this.assistant === undefined) this.add({ role: 'assistant', content: null });
    const assistant = this.assistant as JsonObject;
    const calls = Array.isArray(assistant.tool_calls) ? assistant.tool_calls : [];
    assistant.tool_calls = [...calls, call];
  }

  addToolOutput(message: JsonObject, returned: JsonObject[]): void {
    this.add(message);
    this.returned.push(...returned);
  }

  finish(): JsonObject[] {
    this.giveBack(undefined);
    const prompt = this.system.filter((text) => text !== '').join('\n\n');
    return prompt === '' ? this.messages : [{ role: 'system', content: prompt }, ...this.messages];
  }

  /** Sends what tools returned before `next`: in it when it is a user message, else on their own. */
  private giveBack(next: JsonObject | undefined): void {
    if (this.returned.length === 0) return;
    const returned = this.returned;
    this.returned = [];
    if (next?.role !== 'user') {
      this.messages.push({ role: 'user', content: returned });
      return;
    }
    const own = typeof next.content === 'string' ? [{ type: 'text', text: next.content }] : next.content;
    next.content = [...returned, ...(Array.isArray(own) ? own : [])];
  }
}

function addItem(list: MessageList, item: unknown, where: string, names: ToolNames): void {
  if (!isJsonObject(item)) throw badRequest(`${where} must be an object`, where);
  const type = itemType(item, where);
  switch (type) {
    case 'message':
      addMessage(list, item, where);
      return;
    case 'function_call':
      list.addToolCall(functionCall(item, where, names));
      return;
    case 'custom_tool_call':
      list.addToolCall(customCall(item, where, names));
      return;
    case 'local_shell_call':
    case 'shell_call':
    case 'apply_patch_call':
      list.addToolCall(builtInCall(item, type, where));
      return;
    case 'function_call_output':
    case 'custom_tool_call_output': {
      const { message, returned } = toolOutput(item, where);
      list.addToolOutput(message, returned);
      return;
    }
    case 'local_shell_call_output':
    case 'shell_call_output':
    case 'apply_patch_call_output':
      list.addToolOutput(builtInOutput(item, type, where), []);
      return;
    case 'reasoning':
    case 'compaction':
    case 'web_search_call':
      return;
    case 'item_reference':
      throw badRequest(
        `${where}: item references are not supported for this model; send the items themselves`,
        `${where}.type`,
      );
    default:
      throw badRequest(
        `${where}.type: input items of type '${type}' are not supported for this model`,
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

function addMessage(list: MessageList, item: JsonObject, where: string): void {
  const role = item.role;
  if (role !== 'user' && role !== 'assistant' && role !== 'system' && role !== 'developer')
    throw badRequest(`${where}.role must be one of user, assistant, system, developer`, `${where}.role`);
  const content = chatContent(item.content, `${where}.content`, role === 'user' ? 'any' : 'text');
  if (role === 'system' || role === 'developer') list.system.push(plainText(content));
  else list.add({ role, content });
}

/** Text content as one string; its parts (each one a block of its own) joined by a blank line. */
function plainText(content: string | JsonObject[]): string {
  if (typeof content === 'string') return content;
  return content.map((part) => (typeof part.text === 'string' ? part.text : '')).join('\n\n');
}
