/**
 * OpenInference's flattened message attributes (`llm.input_messages.0.message.role`, …): the
 * conversation as OpenObserve and the UI show it, built from the request body and the answer.
 * Each message is a few attributes and each attribute a column in the trace store, so the lists are
 * capped: the first MAX_MESSAGES messages (and tools), the first MAX_TOOL_CALLS calls of each; how
 * many were left out is recorded (`tollgate.input_messages.omitted`, …).
 */
import { SemanticConventions as SC } from '@arizeai/openinference-semantic-conventions';
import type { Attributes } from '@opentelemetry/api';
import { contentText } from '../shared/content-text.ts';
import type { JsonObject } from '../shared/json.ts';
import { cut } from './cut.ts';

/** Messages (and tools) recorded per list. */
export const MAX_MESSAGES = 50;
/** Tool calls recorded per message. */
export const MAX_TOOL_CALLS = 10;

/** `llm.input_messages.*` and `llm.tools.*` from a chat request body. */
export function inputMessageAttributes(body: JsonObject, max: number): Attributes {
  const a: Attributes = {};
  const messages = Array.isArray(body.messages) ? body.messages : [];
  let calls = 0;
  messages.slice(0, MAX_MESSAGES).forEach((m, i) => {
    calls += addMessage(a, `${SC.LLM_INPUT_MESSAGES}.${i}`, m, max);
  });
  omitted(a, 'tollgate.input_messages.omitted', messages.length - MAX_MESSAGES);
  omitted(a, 'tollgate.input_messages.tool_calls_omitted', calls);
  const tools = Array.isArray(body.tools) ? body.tools : [];
  tools.slice(0, MAX_MESSAGES).forEach((tool, i) => {
    a[`${SC.LLM_TOOLS}.${i}.${SC.TOOL_JSON_SCHEMA}`] = cut(JSON.stringify(tool), max);
  });
  omitted(a, 'tollgate.tools.omitted', tools.length - MAX_MESSAGES);
  return a;
}

/** `llm.output_messages.*` from a chat completion's choices. */
export function outputMessageAttributes(choices: unknown, max: number): Attributes {
  const a: Attributes = {};
  if (!Array.isArray(choices)) return a;
  let calls = 0;
  choices.slice(0, MAX_MESSAGES).forEach((choice, i) => {
    const message = (choice as JsonObject | null)?.message;
    calls += addMessage(a, `${SC.LLM_OUTPUT_MESSAGES}.${i}`, message, max);
  });
  omitted(a, 'tollgate.output_messages.omitted', choices.length - MAX_MESSAGES);
  omitted(a, 'tollgate.output_messages.tool_calls_omitted', calls);
  return a;
}

function omitted(a: Attributes, key: string, n: number): void {
  if (n > 0) a[key] = n;
}

/** Adds one message's attributes; returns how many of its tool calls were left out. */
function addMessage(a: Attributes, prefix: string, message: unknown, max: number): number {
  if (typeof message !== 'object' || message === null) return 0;
  const m = message as JsonObject;
  if (typeof m.role === 'string') a[`${prefix}.${SC.MESSAGE_ROLE}`] = m.role;
  const text = contentText(m.content);
  if (text !== undefined) a[`${prefix}.${SC.MESSAGE_CONTENT}`] = cut(text, max);
  const calls = Array.isArray(m.tool_calls) ? m.tool_calls : [];
  calls.slice(0, MAX_TOOL_CALLS).forEach((call, j) => {
    const fn = (call as JsonObject | null)?.function as JsonObject | undefined;
    const base = `${prefix}.${SC.MESSAGE_TOOL_CALLS}.${j}`;
    if (typeof fn?.name === 'string') a[`${base}.${SC.TOOL_CALL_FUNCTION_NAME}`] = fn.name;
    if (typeof fn?.arguments === 'string')
      a[`${base}.${SC.TOOL_CALL_FUNCTION_ARGUMENTS_JSON}`] = cut(fn.arguments, max);
  });
  return Math.max(0, calls.length - MAX_TOOL_CALLS);
}
