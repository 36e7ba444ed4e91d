/**
 * OpenInference's flattened message attributes (`llm.input_messages.0.message.role`, …): the
 * conversation as OpenObserve and the UI show it, built from the request body and the answer.
 */
import { SemanticConventions as SC } from '@arizeai/openinference-semantic-conventions';
import type { Attributes } from '@opentelemetry/api';
import { contentText } from '../shared/content-text.ts';
import type { JsonObject } from '../shared/json.ts';
import { cut } from './cut.ts';

/** `llm.input_messages.*` and `llm.tools.*` from a chat request body. */
export function inputMessageAttributes(body: JsonObject, max: number): Attributes {
  const a: Attributes = {};
  const messages = Array.isArray(body.messages) ? body.messages : [];
  messages.forEach((m, i) => {
    addMessage(a, `${SC.LLM_INPUT_MESSAGES}.${i}`, m, max);
  });
  const tools = Array.isArray(body.tools) ? body.tools : [];
  tools.forEach((tool, i) => {
    a[`${SC.LLM_TOOLS}.${i}.${SC.TOOL_JSON_SCHEMA}`] = cut(JSON.stringify(tool), max);
  });
  return a;
}

/** `llm.output_messages.*` from a chat completion's choices. */
export function outputMessageAttributes(choices: unknown, max: number): Attributes {
  const a: Attributes = {};
  if (!Array.isArray(choices)) return a;
  choices.forEach((choice, i) => {
    const message = (choice as JsonObject | null)?.message;
    addMessage(a, `${SC.LLM_OUTPUT_MESSAGES}.${i}`, message, max);
  });
  return a;
}

function addMessage(a: Attributes, prefix: string, message: unknown, max: number): void {
  if (typeof message !== 'object' || message === null) return;
  const m = message as JsonObject;
  if (typeof m.role === 'string') a[`${prefix}.${SC.MESSAGE_ROLE}`] = m.role;
  const text = contentText(m.content);
  if (text !== undefined) a[`${prefix}.${SC.MESSAGE_CONTENT}`] = cut(text, max);
  const calls = Array.isArray(m.tool_calls) ? m.tool_calls : [];
  calls.forEach((call, j) => {
    const fn = (call as JsonObject | null)?.function as JsonObject | undefined;
    const base = `${prefix}.${SC.MESSAGE_TOOL_CALLS}.${j}`;
    if (typeof fn?.name === 'string') a[`${base}.${SC.TOOL_CALL_FUNCTION_NAME}`] = fn.name;
    if (typeof fn?.arguments === 'string')
      a[`${base}.${SC.TOOL_CALL_FUNCTION_ARGUMENTS_JSON}`] = cut(fn.arguments, max);
  });
}
