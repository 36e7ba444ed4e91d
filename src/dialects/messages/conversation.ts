/**
 * Anthropic's `system` and `messages` as chat's message list. The shapes differ most around tools:
 * Anthropic puts tool calls in the assistant turn's content (`tool_use` blocks) and their results in
 * the next user turn (`tool_result` blocks); chat puts calls in `tool_calls` and each result in a
 * `tool` message of its own, which must follow the assistant message right away. So a user turn holding
 * results and text becomes the tool messages first, then a user message with the rest.
 */
import { badRequest } from '../../errors/gateway-error.ts';
import { isObject } from '../../providers/anthropic/json.ts';
import type { JsonObject } from '../../shared/json.ts';
import { contentParts, readBlock, textOf } from './content.ts';

export function chatMessages(system: unknown, messages: unknown): JsonObject[] {
  if (!Array.isArray(messages) || messages.length === 0)
    throw badRequest('messages must be a non-empty list', 'messages');
  const out: JsonObject[] = [];
  const prompts = [systemPrompt(system, 'system')];
  for (const [i, message] of messages.entries()) {
    const where = `messages[${i}]`;
    // `role: "system"` in the conversation (Claude Code sends it, under a beta): many chat templates
    // (Qwen's, Llama's) refuse a system message anywhere but first, so it joins the system prompt.
    if (isObject(message) && message.role === 'system')
      prompts.push(systemPrompt(message.content, `${where}.content`));
    else out.push(...turn(message, where));
  }
  const prompt = prompts.filter((p) => p !== '').join('\n\n');
  return prompt === '' ? out : [{ role: 'system', content: prompt }, ...out];
}

/**
 * The system prompt as one string: several system messages, or one holding parts, are refused by some
 * chat servers' templates. Blocks are joined by a blank line; their `cache_control` has no chat
 * equivalent and is dropped.
 */
function systemPrompt(system: unknown, where: string): string {
  if (system === undefined || system === null) return '';
  if (typeof system === 'string') return system;
  if (!Array.isArray(system)) throw badRequest(`${where} must be a string or a list of text blocks`, where);
  return system
    .map((value, i) => {
      const { block, type } = readBlock(value, `${where}[${i}]`);
      if (type !== 'text') throw badRequest(`${where}[${i}] must be a text block`, `${where}[${i}].type`);
      return textOf(block, `${where}[${i}]`);
    })
    .join('\n\n');
}

function turn(message: unknown, where: string): JsonObject[] {
  if (!isObject(message)) throw badRequest(`${where} must be an object`, where);
  const { role, content } = message;
  if (role !== 'user' && role !== 'assistant')
    throw badRequest(`${where}.role must be "user", "assistant" or "system"`, `${where}.role`);
  if (typeof content === 'string') return [{ role, content }];
  if (!Array.isArray(content))
    throw badRequest(`${where}.content must be a string or a list of blocks`, `${where}.content`);
  const blocks = content.map((value, j) => ({ ...readBlock(value, `${where}.content[${j}]`), j }));
  return role === 'user' ? userTurn(blocks, where) : assistantTurn(blocks, where);
}

interface Block {
  block: JsonObject;
  type: string;
  j: number;
}

function userTurn(blocks: Block[], where: string): JsonObject[] {
  if (blocks.length === 0) throw badRequest(`${where}.content must not be empty`, `${where}.content`);
  const results: JsonObject[] = [];
  // Images and documents a tool returned: a tool message holds only text, so they follow the results
  // in the user message, ahead of what the user wrote.
  const returned: JsonObject[] = [];
  const parts: JsonObject[] = [];
  for (const { block, type, j } of blocks) {
    const at = `${where}.content[${j}]`;
    if (type === 'tool_result') {
      results.push(toolResult(block, at, returned));
      continue;
    }
    const translated = contentParts(block, type, at);
    if (translated === undefined) throw wrongBlock(type, at, 'user');
    parts.push(...translated);
  }
  const rest = [...returned, ...parts];
  return rest.length === 0 ? results : [...results, { role: 'user', content: compact(rest) }];
}

/** One text part goes as a plain string, the form every chat server takes. */
function compact(parts: JsonObject[]): string | JsonObject[] {
  const [only] = parts;
  return parts.length === 1 && only?.type === 'text' && typeof only.text === 'string' ? only.text : parts;
}

/**
 * A `tool` message. Its text blocks are joined by newlines; `is_error` has no chat equivalent, and the
 * text (an error message, as clients write it) tells the model what went wrong.
 */
function toolResult(block: JsonObject, where: string, returned: JsonObject[]): JsonObject {
  const id = block.tool_use_id;
  if (typeof id !== 'string' || id === '')
    throw badRequest(`${where}.tool_use_id must be a string`, `${where}.tool_use_id`);
  return { role: 'tool', tool_call_id: id, content: resultText(block.content, where, returned) };
}

function resultText(content: unknown, where: string, returned: JsonObject[]): string {
  if (content === undefined || content === null) return '';
  if (typeof content === 'string') return content;
  if (!Array.isArray(content))
    throw badRequest(`${where}.content must be a string or a list of blocks`, `${where}.content`);
  const texts: string[] = [];
  for (const [k, value] of content.entries()) {
    const at = `${where}.content[${k}]`;
    const { block, type } = readBlock(value, at);
    const parts = contentParts(block, type, at);
    if (parts === undefined) throw wrongBlock(type, at, 'tool_result');
    if (type === 'text') texts.push(textOf(block, at));
    else returned.push(...parts);
  }
  return texts.join('\n');
}

/**
 * One assistant message: text, thinking as `reasoning_content` (its signature proves Claude wrote it
 * and means nothing to another model), tool calls. Redacted thinking is encrypted for Anthropic alone
 * and dropped. Text blocks are joined as they are: Anthropic splits one text into several blocks around
 * citations.
 */
function assistantTurn(blocks: Block[], where: string): JsonObject[] {
  const texts: string[] = [];
  const thoughts: string[] = [];
  const calls: JsonObject[] = [];
  for (const { block, type, j } of blocks) {
    const at = `${where}.content[${j}]`;
    if (type === 'text') texts.push(textOf(block, at));
    else if (type === 'thinking') {
      if (typeof block.thinking !== 'string')
        throw badRequest(`${at}.thinking must be a string`, `${at}.thinking`);
      thoughts.push(block.thinking);
    } else if (type === 'tool_use') calls.push(toolCall(block, at));
    else if (type !== 'redacted_thinking') throw wrongBlock(type, at, 'assistant');
  }
  // An empty assistant turn (Anthropic allows one last, as a prefill) says nothing to a chat model.
  if (texts.length === 0 && thoughts.length === 0 && calls.length === 0) return [];
  const out: JsonObject = { role: 'assistant', content: texts.length > 0 ? texts.join('') : null };
  if (calls.length > 0) out.tool_calls = calls;
  else if (out.content === null) out.content = '';
  if (thoughts.length > 0) out.reasoning_content = thoughts.join('');
  return [out];
}

function toolCall(block: JsonObject, where: string): JsonObject {
  if (typeof block.id !== 'string' || block.id === '')
    throw badRequest(`${where}.id must be a string`, `${where}.id`);
  if (typeof block.name !== 'string' || block.name === '')
    throw badRequest(`${where}.name must be a string`, `${where}.name`);
  const input = block.input ?? {};
  if (!isObject(input)) throw badRequest(`${where}.input must be an object`, `${where}.input`);
  return { id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(input) } };
}

const PLACES = {
  user: 'a user turn takes text, image, document and tool_result blocks',
  assistant: 'an assistant turn takes text, thinking, redacted_thinking and tool_use blocks',
  tool_result: 'a tool result holds text, image and document blocks',
};

/**
 * A block that is out of place, or one only Anthropic itself can act on (server tool calls and their
 * results, search results, containers).
 */
function wrongBlock(type: string, where: string, place: keyof typeof PLACES) {
  return badRequest(
    `${where}.type "${type}" is not supported here for this model: ${PLACES[place]}`,
    `${where}.type`,
  );
}
