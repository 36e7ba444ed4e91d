/**
 * Responses tools and `tool_choice` as chat's.
 *
 * - Function tools map one to one.
 * - Custom tools (free-text input, maybe held to a grammar) become a function with one string
 *   parameter, `input`; the grammar goes into the description, since chat cannot enforce it.
 * - A namespace's function and custom tools become functions of their own, named as `tool-names.ts`
 *   says; the namespace's description joins each one's. `defer_loading` is ignored: without OpenAI's
 *   tool search the model could never load a deferred tool, so it gets them all.
 * - Hosted tools (web search, file search, code interpreter, image generation, computer use, MCP, local
 *   shell, shell, apply patch, tool search, and any type not known here) run inside OpenAI, which a
 *   translated provider is not. They are left out: agents such as Codex offer them on every turn, and
 *   refusing them would make the model unusable; the model simply does not get them. A `tool_choice`
 *   that names one is refused, as the model cannot do what it asks.
 */
import { badRequest } from '../../errors/gateway-error.ts';
import { isJsonObject, type JsonObject } from '../../shared/json.ts';
import { stringField } from './content.ts';
import type { ToolNames } from './tool-names.ts';

/** Chat's `tools`, or undefined for none (some upstreams refuse an empty list). */
export function chatTools(tools: unknown, names: ToolNames): JsonObject[] | undefined {
  if (tools === undefined || tools === null) return undefined;
  if (!Array.isArray(tools)) throw badRequest('tools must be a list', 'tools');
  const out = tools.flatMap((tool, i) => chatToolsOf(tool, `tools[${i}]`, names));
  return out.length > 0 ? out : undefined;
}

function chatToolsOf(tool: unknown, where: string, names: ToolNames): JsonObject[] {
  if (!isJsonObject(tool)) throw badRequest(`${where} must be an object`, where);
  const type = toolType(tool, where);
  if (type === 'function' || type === 'custom') return [chatTool(tool, type, where, names)];
  if (type !== 'namespace') return [];
  const namespace = stringField(tool, 'name', where);
  if (!Array.isArray(tool.tools)) throw badRequest(`${where}.tools must be a list`, `${where}.tools`);
  const about = tool.description == null ? '' : stringField(tool, 'description', where);
  return tool.tools.flatMap((inner, j) => {
    const at = `${where}.tools[${j}]`;
    if (!isJsonObject(inner)) throw badRequest(`${at} must be an object`, at);
    const innerType = toolType(inner, at);
    if (innerType !== 'function' && innerType !== 'custom') return [];
    const chat = chatTool(inner, innerType, at, names, namespace);
    const fn = chat.function as JsonObject;
    if (about !== '') fn.description = joinText(fn.description, `Namespace ${namespace}: ${about}`);
    return [chat];
  });
}

function toolType(tool: JsonObject, where: string): string {
  if (typeof tool.type !== 'string') throw badRequest(`${where}.type must be a string`, `${where}.type`);
  return tool.type;
}

function chatTool(
  tool: JsonObject,
  type: 'function' | 'custom',
  where: string,
  names: ToolNames,
  namespace?: string,
): JsonObject {
  const fn: JsonObject = { name: names.chatName(stringField(tool, 'name', where), namespace) };
  if (tool.description != null) fn.description = stringField(tool, 'description', where);
  if (type === 'custom') {
    const rule = grammarNote(tool.format, `${where}.format`);
    if (rule !== '') fn.description = joinText(fn.description, rule);
    fn.parameters = CUSTOM_PARAMETERS;
    return { type: 'function', function: fn };
  }
  if (tool.parameters != null) {
    if (!isJsonObject(tool.parameters))
      throw badRequest(`${where}.parameters must be a JSON schema object`, `${where}.parameters`);
    fn.parameters = tool.parameters;
  }
  if (tool.strict != null) {
    if (typeof tool.strict !== 'boolean')
      throw badRequest(`${where}.strict must be a boolean`, `${where}.strict`);
    fn.strict = tool.strict;
  }
  return { type: 'function', function: fn };
}

/** A custom tool's one argument: the text the tool gets as its input. */
const CUSTOM_PARAMETERS: JsonObject = {
  type: 'object',
  properties: { input: { type: 'string', description: 'The input for the tool, as plain text.' } },
  required: ['input'],
  additionalProperties: false,
};

/** What the model must know of a custom tool's input format: the grammar it must follow, if any. */
function grammarNote(format: unknown, where: string): string {
  if (format === undefined || format === null) return '';
  if (!isJsonObject(format)) throw badRequest(`${where} must be an object`, where);
  if (format.type === 'text') return '';
  if (format.type !== 'grammar')
    throw badRequest(`${where}.type must be 'text' or 'grammar'`, `${where}.type`);
  const syntax = stringField(format, 'syntax', where);
  const definition = stringField(format, 'definition', where);
  return `The input must follow this ${syntax} grammar:\n${definition}`;
}

function joinText(first: unknown, second: string): string {
  return typeof first === 'string' && first !== '' ? `${first}\n\n${second}` : second;
}

/**
 * Chat's `tool_choice`. `hasTools` tells whether any tool went to chat: when all were hosted ones,
 * `auto` and `none` are left out (chat upstreams refuse a `tool_choice` without tools) and `required`
 * is refused, as no tool the model has could meet it.
 */
export function chatToolChoice(
  choice: unknown,
  names: ToolNames,
  hasTools: boolean,
): string | JsonObject | undefined {
  if (choice === undefined || choice === null) return undefined;
  if (choice === 'auto' || choice === 'none' || choice === 'required') {
    if (hasTools) return choice;
    if (choice === 'required')
      throw badRequest(
        "tool_choice 'required' needs a function or custom tool: hosted tools are not available for this model",
        'tool_choice',
      );
    return undefined;
  }
  if (isJsonObject(choice) && (choice.type === 'function' || choice.type === 'custom'))
    return { type: 'function', function: { name: chosenName(choice, names) } };
  const kind = isJsonObject(choice) ? `'${String(choice.type)}'` : JSON.stringify(choice);
  throw badRequest(
    `tool_choice ${kind} is not supported for this model (auto, none, required, a function or a custom tool)`,
    'tool_choice',
  );
}

/**
 * The chat name of the tool a `tool_choice` names. It has no namespace field, so a name that is no
 * top-level tool's but exactly one namespaced tool's means that one.
 */
function chosenName(choice: JsonObject, names: ToolNames): string {
  const name = stringField(choice, 'name', 'tool_choice');
  if (typeof choice.namespace === 'string') return names.chatName(name, choice.namespace);
  if (names.isOffered(name)) return name;
  const namespaced = names.namespacedNamed(name);
  return namespaced.length === 1 ? (namespaced[0] as string) : name;
}
