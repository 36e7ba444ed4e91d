/** An OpenAI chat request as the body of Anthropic's `POST /v1/messages`. */
import type { Deployment } from '../../config/types.ts';
import { badRequest } from '../../errors/gateway-error.ts';
import type { JsonObject } from '../../shared/json.ts';
import { conversation } from './messages.ts';
import { anthropicToolChoice, anthropicTools } from './tools.ts';

/**
 * Anthropic requires `max_tokens` and OpenAI does not: when neither the request nor the deployment's
 * `model_info` gives a limit, this one is sent (LiteLLM's own default for Anthropic).
 */
export const DEFAULT_MAX_TOKENS = 4096;

/** The OpenAI chat parameters this translation carries over; the base refuses any other one. */
export const CHAT_PARAMS: ReadonlySet<string> = new Set([
  'model',
  'messages',
  'max_completion_tokens',
  'max_tokens',
  'n',
  'stop',
  'stream',
  'stream_options',
  'temperature',
  'tool_choice',
  'tools',
  'parallel_tool_calls',
  'top_k',
  'top_p',
  'user',
]);

export function messagesRequest(body: JsonObject, deployment: Deployment, stream: boolean): JsonObject {
  if (body.n !== undefined && body.n !== null && body.n !== 1)
    throw badRequest('anthropic returns one choice per request: n must be 1', 'n');
  const { system, messages } = conversation(body.messages);
  const out: JsonObject = { model: body.model, max_tokens: maxTokens(body, deployment) };
  if (system !== undefined) out.system = system;
  out.messages = messages;
  for (const key of ['temperature', 'top_p', 'top_k'] as const) if (body[key] != null) out[key] = body[key];
  const stop = stopSequences(body.stop);
  if (stop !== undefined) out.stop_sequences = stop;
  const tools = anthropicTools(body.tools);
  if (tools !== undefined) out.tools = tools;
  const choice = anthropicToolChoice(body.tool_choice, body.parallel_tool_calls, (tools?.length ?? 0) > 0);
  if (choice !== undefined) out.tool_choice = choice;
  if (typeof body.user === 'string') out.metadata = { user_id: body.user };
  if (stream) out.stream = true;
  return out;
}

function maxTokens(body: JsonObject, deployment: Deployment): number {
  const param = body.max_completion_tokens != null ? 'max_completion_tokens' : 'max_tokens';
  const asked = body[param];
  if (asked != null) {
    if (typeof asked !== 'number' || !Number.isInteger(asked) || asked < 1)
      throw badRequest(`${param} must be a positive integer`, param);
    return asked;
  }
  const info = deployment.modelInfo;
  const known = [info.max_output_tokens, info.max_tokens].find((v) => typeof v === 'number' && v > 0);
  return typeof known === 'number' ? known : DEFAULT_MAX_TOKENS;
}

function stopSequences(stop: unknown): string[] | undefined {
  if (stop === undefined || stop === null) return undefined;
  const list = typeof stop === 'string' ? [stop] : stop;
  if (!Array.isArray(list) || !list.every((s) => typeof s === 'string'))
    throw badRequest('stop must be a string or a list of strings', 'stop');
  return list;
}

/** `{api_base}/v1/messages`, whether or not the configured base already ends in `/v1`. */
export function messagesUrl(base: string): string {
  return `${base.replace(/\/v1$/, '')}/v1/messages`;
}
