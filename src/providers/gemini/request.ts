/** An OpenAI chat request as a Gemini `generateContent` request body, and the parameters that carry over. */

import type { JsonObject } from '../../shared/json.ts';
import type { Endpoint } from '../spec.ts';
import { geminiTools, generationConfig, toolConfig } from './generation-config.ts';
import { conversation } from './messages.ts';

/**
 * Exactly what the translation carries over; the base refuses anything else (or drop_params drops it).
 * `user` is accepted and ignored: Gemini has no end-user field, and it changes nothing the model does.
 */
const CHAT: ReadonlySet<string> = new Set([
  'model',
  'messages',
  'stream',
  'stream_options',
  'temperature',
  'top_p',
  'top_k',
  'max_tokens',
  'max_completion_tokens',
  'stop',
  'n',
  'seed',
  'presence_penalty',
  'frequency_penalty',
  'response_format',
  'tools',
  'tool_choice',
  'reasoning_effort',
  'user',
]);

/** `encoding_format` is done here (base64 of the float32 values), as the openai SDK asks for base64. */
const EMBEDDINGS: ReadonlySet<string> = new Set(['model', 'input', 'dimensions', 'encoding_format', 'user']);

const NONE: ReadonlySet<string> = new Set();

export function geminiParams(endpoint: Endpoint): ReadonlySet<string> {
  if (endpoint === 'chat') return CHAT;
  return endpoint === 'embeddings' ? EMBEDDINGS : NONE;
}

export function chatRequest(body: JsonObject, model: string): JsonObject {
  const request: JsonObject = { ...conversation(body.messages) };
  const config = generationConfig(body, model);
  if (config) request.generationConfig = config;
  const tools = geminiTools(body.tools);
  if (tools) request.tools = tools;
  const choice = toolConfig(body.tool_choice);
  if (choice) request.toolConfig = choice;
  return request;
}
