/**
 * Responses tools and `tool_choice` as chat's. Only function tools translate: the built-in tools (web
 * search, file search, code interpreter, MCP, …) run inside OpenAI, which a translated provider is not.
 */
import { badRequest } from '../../errors/gateway-error.ts';
import { isJsonObject, type JsonObject } from '../../shared/json.ts';
import { stringField } from './content.ts';

/** Chat's `tools`, or undefined for none (some upstreams refuse an empty list). */
export function chatTools(tools: unknown): JsonObject[] | undefined {
  if (tools === undefined || tools === null) return undefined;
  if (!Array.isArray(tools)) throw badRequest('tools must be a list', 'tools');
  const out = tools.map((tool, i) => chatTool(tool, `tools[${i}]`));
  return out.length > 0 ? out : undefined;
}

function chatTool(tool: unknown, where: string): JsonObject {
  if (!isJsonObject(tool)) throw badRequest(`${where} must be an object`, where);
  if (tool.type !== 'function')
    throw badRequest(
      `${where}.type: tools of type '${String(tool.type)}' are not supported for this model (only function tools)`,
      `${where}.type`,
    );
  const fn: JsonObject = { name: stringField(tool, 'name', where) };
  if (tool.description != null) fn.description = stringField(tool, 'description', where);
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

export function chatToolChoice(choice: unknown): string | JsonObject | undefined {
  if (choice === undefined || choice === null) return undefined;
  if (choice === 'auto' || choice === 'none' || choice === 'required') return choice;
  if (isJsonObject(choice) && choice.type === 'function')
    return { type: 'function', function: { name: stringField(choice, 'name', 'tool_choice') } };
  const kind = isJsonObject(choice) ? `'${String(choice.type)}'` : JSON.stringify(choice);
  throw badRequest(
    `tool_choice ${kind} is not supported for this model (auto, none, required or a function)`,
    'tool_choice',
  );
}
