/**
 * The tool calls and tool outputs of a Responses `input`, as chat tool calls and `tool` messages.
 *
 * A namespaced call goes by its chat name (`tool-names.ts`); a custom tool's call gets its text input
 * as the `input` argument, as the tool was offered to chat. The calls of OpenAI's local shell, shell
 * and apply-patch tools were run by the client; chat is not offered those tools, but the model must
 * still see what was done, so each becomes a call of a function named after the tool (arguments: the
 * item's own fields as JSON) and its output a `tool` message.
 */
import { badRequest } from '../../errors/gateway-error.ts';
import type { JsonObject } from '../../shared/json.ts';
import { chatContent, stringField } from './content.ts';
import type { ToolNames } from './tool-names.ts';

export function functionCall(item: JsonObject, where: string, names: ToolNames): JsonObject {
  const name = names.chatName(stringField(item, 'name', where), namespaceOf(item, where));
  return chatCall(stringField(item, 'call_id', where), name, stringField(item, 'arguments', where));
}

export function customCall(item: JsonObject, where: string, names: ToolNames): JsonObject {
  const name = names.chatName(stringField(item, 'name', where), namespaceOf(item, where));
  const input = stringField(item, 'input', where);
  return chatCall(stringField(item, 'call_id', where), name, JSON.stringify({ input }));
}

function namespaceOf(item: JsonObject, where: string): string | undefined {
  return item.namespace == null ? undefined : stringField(item, 'namespace', where);
}

const chatCall = (id: string, name: string, args: string): JsonObject => ({
  id,
  type: 'function',
  function: { name, arguments: args },
});

/** The chat function a built-in tool's calls go by. */
const BUILT_IN_NAMES: Record<string, string> = {
  local_shell_call: 'local_shell',
  shell_call: 'shell',
  apply_patch_call: 'apply_patch',
};

/** Not the call's content: what identifies the item, or the execution context it ran in. */
const ITEM_KEYS = new Set(['type', 'id', 'call_id', 'status', 'caller']);

/** A local shell, shell or apply-patch call, with its own fields (`action`, `operation`) as arguments. */
export function builtInCall(item: JsonObject, type: string, where: string): JsonObject {
  const fields = Object.fromEntries(Object.entries(item).filter(([key]) => !ITEM_KEYS.has(key)));
  return chatCall(builtInCallId(item, where), BUILT_IN_NAMES[type] ?? type, JSON.stringify(fields));
}

/** The output of a local shell, shell or apply-patch call, as the text of a `tool` message. */
export function builtInOutput(item: JsonObject, type: string, where: string): JsonObject {
  let content: string;
  if (type === 'local_shell_call_output') content = stringField(item, 'output', where);
  else if (type === 'shell_call_output') {
    if (!Array.isArray(item.output)) throw badRequest(`${where}.output must be a list`, `${where}.output`);
    content = JSON.stringify(item.output);
  } else {
    const result: JsonObject = { status: item.status ?? null };
    if (item.output != null) result.output = stringField(item, 'output', where);
    content = JSON.stringify(result);
  }
  return { role: 'tool', tool_call_id: builtInCallId(item, where), content };
}

/**
 * A built-in call's id. A local shell call's output names its call by `id` in the SDK's types, and by
 * `call_id` in OpenAI's guide: either is taken. The call item itself has both; `call_id` is the one
 * outputs refer to.
 */
function builtInCallId(item: JsonObject, where: string): string {
  if (typeof item.call_id === 'string' && item.call_id !== '') return item.call_id;
  if (item.type === 'local_shell_call_output' && typeof item.id === 'string') return item.id;
  return stringField(item, 'call_id', where);
}

/**
 * A function or custom tool call's output as a `tool` message. Its text parts are joined by newlines;
 * images and files cannot go in a tool message, so they are `returned` for a user message after it.
 */
export function toolOutput(item: JsonObject, where: string): { message: JsonObject; returned: JsonObject[] } {
  const id = stringField(item, 'call_id', where);
  const content = chatContent(item.output, `${where}.output`, 'any');
  if (typeof content === 'string') return { message: toolMessage(id, content), returned: [] };
  const texts: string[] = [];
  const returned: JsonObject[] = [];
  for (const part of content)
    if (part.type === 'text' && typeof part.text === 'string') texts.push(part.text);
    else returned.push(part);
  return { message: toolMessage(id, texts.join('\n')), returned };
}

const toolMessage = (id: string, content: string): JsonObject => ({
  role: 'tool',
  tool_call_id: id,
  content,
});
