/**
 * OpenAI `messages` as Gemini's `systemInstruction` and `contents`. Gemini has two roles, `user` and
 * `model`: tool results are `functionResponse` parts of a user turn, and they name the function rather
 * than the call, so the name is looked up from the assistant's earlier `tool_calls`. Consecutive turns
 * of one role are merged, as Gemini expects turns to alternate.
 */
import { badRequest } from '../../errors/gateway-error.ts';
import { contentText } from '../../shared/content-text.ts';
import type { JsonObject } from '../../shared/json.ts';
import { contentParts } from './content-parts.ts';
import type { GeminiContent, GeminiPart } from './types.ts';

export interface GeminiConversation {
  systemInstruction?: { parts: GeminiPart[] };
  contents: GeminiContent[];
}

export function conversation(messages: unknown): GeminiConversation {
  if (!Array.isArray(messages) || messages.length === 0)
    throw badRequest('messages must be a non-empty list', 'messages');
  const system: GeminiPart[] = [];
  const contents: GeminiContent[] = [];
  const toolNames = new Map<string, string>();
  const add = (role: 'user' | 'model', parts: GeminiPart[]) => {
    if (parts.length === 0) return;
    const last = contents.at(-1);
    if (last?.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };
  for (const [i, raw] of messages.entries()) {
    const m = raw as JsonObject;
    const where = `messages[${i}]`;
    switch (m?.role) {
      case 'system':
      case 'developer':
        system.push(...contentParts(m.content, where));
        break;
      case 'user':
        add('user', contentParts(m.content, where));
        break;
      case 'assistant':
        add('model', [...contentParts(m.content, where), ...functionCalls(m.tool_calls, toolNames, where)]);
        break;
      case 'tool':
        add('user', [functionResponse(m, toolNames, where)]);
        break;
      default:
        throw badRequest(`${where}.role ${JSON.stringify(m?.role)} is not one gemini can take`, 'messages');
    }
  }
  if (contents.length === 0) throw badRequest('messages must include a user message', 'messages');
  return system.length > 0 ? { systemInstruction: { parts: system }, contents } : { contents };
}

/** An assistant's `tool_calls` as `functionCall` parts, remembering each call's function name. */
function functionCalls(toolCalls: unknown, names: Map<string, string>, where: string): GeminiPart[] {
  if (!Array.isArray(toolCalls)) return [];
  return toolCalls.map((raw, i) => {
    const call = raw as JsonObject;
    const fn = call?.function as JsonObject | undefined;
    if (typeof fn?.name !== 'string')
      throw badRequest(`${where}.tool_calls[${i}].function.name is missing`, 'messages');
    if (typeof call.id === 'string') names.set(call.id, fn.name);
    return {
      functionCall: { name: fn.name, args: parseArguments(fn.arguments, `${where}.tool_calls[${i}]`) },
    };
  });
}

function parseArguments(text: unknown, where: string): Record<string, unknown> {
  if (text === undefined || text === '') return {};
  try {
    const args: unknown = JSON.parse(String(text));
    if (typeof args === 'object' && args !== null && !Array.isArray(args))
      return args as Record<string, unknown>;
  } catch {}
  throw badRequest(`${where}.function.arguments must be a JSON object`, 'messages');
}

function functionResponse(m: JsonObject, names: Map<string, string>, where: string): GeminiPart {
  const id = m.tool_call_id;
  const name = (typeof id === 'string' ? names.get(id) : undefined) ?? m.name;
  if (typeof name !== 'string')
    throw badRequest(
      `${where}: tool_call_id ${JSON.stringify(id)} matches no earlier assistant tool call ` +
        '(gemini needs the function name of each tool result)',
      'messages',
    );
  return { functionResponse: { name, response: { content: contentText(m.content) ?? '' } } };
}
