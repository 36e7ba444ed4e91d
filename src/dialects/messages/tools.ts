/**
 * Anthropic's `tools` and `tool_choice` as chat's. Custom tools map one to one (`input_schema` is
 * chat's `parameters`). Server tools (web search, bash, the text editor, code execution, …) run inside
 * Anthropic's API, which no other upstream has, so they are refused.
 */
import { badRequest } from '../../errors/gateway-error.ts';
import { isObject } from '../../providers/anthropic/json.ts';
import type { JsonObject } from '../../shared/json.ts';

export function chatTools(tools: unknown, model: unknown): JsonObject[] {
  if (tools === undefined || tools === null) return [];
  if (!Array.isArray(tools)) throw badRequest('tools must be a list', 'tools');
  return tools.map((tool, i) => {
    const where = `tools[${i}]`;
    if (!isObject(tool)) throw badRequest(`${where} must be an object`, where);
    if (tool.type !== undefined && tool.type !== null && tool.type !== 'custom')
      throw badRequest(
        `${where}.type "${String(tool.type)}" is an Anthropic server tool, which is not supported for model ${String(model)}: it runs only on Anthropic's own API`,
        `${where}.type`,
      );
    if (typeof tool.name !== 'string' || tool.name === '')
      throw badRequest(`${where}.name must be a string`, `${where}.name`);
    if (!isObject(tool.input_schema))
      throw badRequest(`${where}.input_schema must be a JSON schema object`, `${where}.input_schema`);
    const fn: JsonObject = { name: tool.name };
    if (typeof tool.description === 'string') fn.description = tool.description;
    fn.parameters = tool.input_schema;
    if (typeof tool.strict === 'boolean') fn.strict = tool.strict;
    return { type: 'function', function: fn };
  });
}

/** Chat's `tool_choice` and `parallel_tool_calls` for Anthropic's `tool_choice`. */
export function chatToolChoice(choice: unknown): JsonObject {
  if (choice === undefined || choice === null) return {};
  if (!isObject(choice)) throw badRequest('tool_choice must be an object', 'tool_choice');
  const out: JsonObject = {};
  switch (choice.type) {
    case 'auto':
      out.tool_choice = 'auto';
      break;
    case 'any':
      out.tool_choice = 'required';
      break;
    case 'none':
      out.tool_choice = 'none';
      break;
    case 'tool':
      if (typeof choice.name !== 'string' || choice.name === '')
        throw badRequest('tool_choice.name must name a tool', 'tool_choice.name');
      out.tool_choice = { type: 'function', function: { name: choice.name } };
      break;
    default:
      throw badRequest('tool_choice.type must be one of auto, any, tool, none', 'tool_choice.type');
  }
  if (choice.disable_parallel_tool_use === true && choice.type !== 'none') out.parallel_tool_calls = false;
  return out;
}
