/**
 * A chat tool call as the output item the client's tool expects: a `function_call` for a function, a
 * `custom_tool_call` for a custom tool (its text input unwrapped from the `input` argument it was
 * offered to chat with), named with the tool's own name and namespace (`tool-names.ts`).
 */
import type { JsonObject } from '../../shared/json.ts';
import { isJsonObject } from '../../shared/json.ts';
import { customToolCallId, functionCallId } from './ids.ts';
import { customToolCallItem, functionCallItem, type ItemStatus } from './response.ts';
import type { ToolTarget } from './tool-names.ts';

/** A call as chat gives it: `name` is the chat function's. */
export interface ChatCall {
  callId: string;
  name: string;
  arguments: string;
}

/** A fresh id for the item of a call to `target`, with the prefix OpenAI gives that kind. */
export const callItemId = (target: ToolTarget): string =>
  target.custom ? customToolCallId() : functionCallId();

export function callItem(id: string, status: ItemStatus, call: ChatCall, target: ToolTarget): JsonObject {
  const named = { callId: call.callId, name: target.name, namespace: target.namespace };
  return target.custom
    ? customToolCallItem(id, status, { ...named, input: customInput(call.arguments) })
    : functionCallItem(id, status, { ...named, arguments: call.arguments });
}

/**
 * A custom tool's input from its chat arguments, `{"input": "…"}`. A model that did not keep to that
 * shape still said something meant as the input: the raw arguments are given then.
 */
export function customInput(args: string): string {
  try {
    const parsed: unknown = JSON.parse(args);
    if (isJsonObject(parsed) && typeof parsed.input === 'string') return parsed.input;
  } catch {
    // Not JSON: the text itself.
  }
  return args;
}
