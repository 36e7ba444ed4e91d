/**
 * A tool call's name, id, arguments and result (OpenObserve's `tool.rs`), written as
 * `gen_ai.tool.name`, `gen_ai.tool.call.id`, `.arguments` and `.result`.
 */
import type { OtlpValue } from '../otlp/model.ts';
import { FRAMEWORK, GEN_AI, LANGFUSE, OPENINFERENCE } from './attributes.ts';
import { type Attrs, nonEmpty, text } from './values.ts';

/** GenAI's name first, then OpenInference's, LangChain's, CrewAI's and Langfuse's. */
const NAME_KEYS = [
  GEN_AI.toolName,
  OPENINFERENCE.toolName,
  OPENINFERENCE.toolCallFunctionName,
  FRAMEWORK.langchainToolName,
  FRAMEWORK.crewaiTaskTools,
  LANGFUSE.toolName,
];

export interface ToolCall {
  name?: string;
  id?: string;
  arguments?: OtlpValue;
  result?: OtlpValue;
}

export function toolCall(attrs: Attrs): ToolCall {
  const call: ToolCall = {};
  for (const key of NAME_KEYS) {
    call.name = nonEmpty(attrs.get(key));
    if (call.name !== undefined) break;
  }
  const id = text(attrs.get(GEN_AI.toolCallId)) ?? text(attrs.get(LANGFUSE.toolId));
  if (id !== undefined) call.id = id;
  const args = attrs.get(GEN_AI.toolCallArguments);
  if (args !== undefined) call.arguments = args;
  const result = attrs.get(GEN_AI.toolCallResult);
  if (result !== undefined) call.result = result;
  if (call.name === undefined) delete call.name;
  return call;
}
