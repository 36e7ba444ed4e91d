/**
 * OpenAI's message list as Anthropic's conversation: system and developer messages move to the
 * top-level `system`; assistant tool calls become `tool_use` blocks and tool messages `tool_result`
 * blocks of a user turn. Anthropic wants user and assistant turns to alternate, so consecutive turns of
 * one role (several tool results, or a tool result followed by the user's next question) are merged.
 * A message's `cache_control` (LiteLLM's form) marks its last block as a prompt-cache breakpoint.
 */
import { badRequest } from '../../errors/gateway-error.ts';
import type { JsonObject } from '../../shared/json.ts';
import { contentBlocks, withCacheControl } from './content.ts';
import { isObject } from './json.ts';

export interface Conversation {
  /** A string, or text blocks when one of them carries a cache breakpoint. */
  system?: string | JsonObject[];
  messages: JsonObject[];
}

interface Turn {
  role: 'user' | 'assistant';
  content: JsonObject[];
}

export function conversation(messages: unknown): Conversation {
  if (!Array.isArray(messages)) throw badRequest('messages must be a list', 'messages');
  const system: JsonObject[] = [];
  const turns: Turn[] = [];
  for (const [i, message] of messages.entries()) {
    const where = `messages[${i}]`;
    if (!isObject(message)) throw badRequest(`${where} must be an object`, 'messages');
    if (message.role === 'system' || message.role === 'developer') {
      const blocks = cacheLast(contentBlocks(message.content, where), message.cache_control);
      if (blocks.some((b) => b.type !== 'text'))
        throw badRequest(`${where}: a ${message.role} message can only hold text`, 'messages');
      system.push(...blocks);
      continue;
    }
    const turn = toTurn(message, where);
    turn.content = cacheLast(turn.content, message.cache_control);
    const last = turns.at(-1);
    if (turn.content.length === 0) continue;
    if (last?.role === turn.role) last.content.push(...turn.content);
    else turns.push(turn);
  }
  const out: Conversation = { messages: turns.map(compact) };
  // Anthropic has one system prompt: several system messages become its parts, in order.
  if (system.length > 0)
    out.system = system.some(hasCacheControl) ? system : system.map((b) => b.text).join('\n\n');
  return out;
}

function cacheLast(blocks: JsonObject[], cacheControl: unknown): JsonObject[] {
  const last = blocks.at(-1);
  if (last === undefined || !isObject(cacheControl)) return blocks;
  return [...blocks.slice(0, -1), withCacheControl(last, cacheControl)];
}

const hasCacheControl = (block: JsonObject | undefined) => block?.cache_control !== undefined;

function toTurn(message: JsonObject, where: string): Turn {
  switch (message.role) {
    case 'user':
      return { role: 'user', content: contentBlocks(message.content, where) };
    case 'assistant':
      return {
        role: 'assistant',
        content: [...contentBlocks(message.content, where), ...toolUses(message.tool_calls, where)],
      };
    case 'tool':
      return { role: 'user', content: [toolResult(message, where)] };
    default:
      throw badRequest(
        `${where}: anthropic does not take messages of role ${String(message.role)}`,
        'messages',
      );
  }
}

function toolUses(calls: unknown, where: string): JsonObject[] {
  if (calls === undefined || calls === null) return [];
  if (!Array.isArray(calls)) throw badRequest(`${where}.tool_calls must be a list`, 'messages');
  return calls.map((call, i) => {
    const fn = isObject(call) && isObject(call.function) ? call.function : undefined;
    if (!isObject(call) || typeof call.id !== 'string' || typeof fn?.name !== 'string')
      throw badRequest(`${where}.tool_calls[${i}] needs an id and a function name`, 'messages');
    return {
      type: 'tool_use',
      id: call.id,
      name: fn.name,
      input: toolInput(fn.arguments, `${where}.tool_calls[${i}]`),
    };
  });
}

/** The call's arguments as the object Anthropic wants; an empty string is a call without arguments. */
function toolInput(args: unknown, where: string): JsonObject {
  if (args === undefined || args === null || args === '') return {};
  let parsed: unknown = args;
  if (typeof args === 'string') {
    try {
      parsed = JSON.parse(args);
    } catch {
      throw badRequest(`${where}.function.arguments is not valid JSON`, 'messages');
    }
  }
  if (!isObject(parsed)) throw badRequest(`${where}.function.arguments must be a JSON object`, 'messages');
  return parsed;
}

function toolResult(message: JsonObject, where: string): JsonObject {
  if (typeof message.tool_call_id !== 'string')
    throw badRequest(`${where}: a tool message needs tool_call_id`, 'messages');
  const content =
    typeof message.content === 'string' ? message.content : contentBlocks(message.content, where);
  return { type: 'tool_result', tool_use_id: message.tool_call_id, content };
}

/** A turn that is one text block goes as a plain string, the form Anthropic's own examples use. */
function compact(turn: Turn): JsonObject {
  const [only] = turn.content;
  if (turn.content.length === 1 && only?.type === 'text' && !hasCacheControl(only))
    return { role: turn.role, content: only.text };
  return { role: turn.role, content: turn.content };
}
