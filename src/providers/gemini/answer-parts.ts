/**
 * The parts of one Gemini candidate as the pieces of an OpenAI assistant message: answer text, thought
 * summaries (`reasoning_content`, as LiteLLM names them) and function calls as `tool_calls`.
 */
import { randomUUID } from 'node:crypto';
import type { JsonObject } from '../../shared/json.ts';
import type { GeminiPart } from './types.ts';

export interface AnswerPieces {
  text?: string;
  reasoning?: string;
  toolCalls: JsonObject[];
}

export function answerPieces(parts: readonly GeminiPart[] | undefined): AnswerPieces {
  let text: string | undefined;
  let reasoning: string | undefined;
  const toolCalls: JsonObject[] = [];
  for (const part of parts ?? []) {
    if (part.functionCall) toolCalls.push(toolCall(part.functionCall));
    else if (typeof part.text !== 'string' || part.text === '') continue;
    else if (part.thought) reasoning = (reasoning ?? '') + part.text;
    else text = (text ?? '') + part.text;
  }
  return { text, reasoning, toolCalls };
}

/** Gemini gives a call no id unless it has one of its own; OpenAI clients need one to answer it. */
function toolCall(call: NonNullable<GeminiPart['functionCall']>): JsonObject {
  return {
    id: call.id ?? `call_${randomUUID().replaceAll('-', '').slice(0, 24)}`,
    type: 'function',
    function: { name: call.name, arguments: JSON.stringify(call.args ?? {}) },
  };
}
