/** OpenAI's `tools`, `tool_choice` and `parallel_tool_calls` as Anthropic's `tools` and `tool_choice`. */
import { badRequest } from '../../errors/gateway-error.ts';
import type { JsonObject } from '../../shared/json.ts';
import { isObject } from './json.ts';

export function anthropicTools(tools: unknown): JsonObject[] | undefined {
  if (tools === undefined || tools === null) return undefined;
  if (!Array.isArray(tools)) throw badRequest('tools must be a list', 'tools');
  return tools.map((tool, i) => {
    const fn =
      isObject(tool) && tool.type === 'function' && isObject(tool.function) ? tool.function : undefined;
    if (typeof fn?.name !== 'string')
      throw badRequest(`tools[${i}]: anthropic takes only function tools with a name`, 'tools');
    const out: JsonObject = {
      name: fn.name,
      // Anthropic requires a schema; a function without parameters takes an empty object.
      input_schema: isObject(fn.parameters) ? fn.parameters : { type: 'object', properties: {} },
    };
    if (typeof fn.description === 'string') out.description = fn.description;
    return out;
  });
}

const CHOICES: Readonly<Record<string, string>> = { auto: 'auto', required: 'any', none: 'none' };

/** Anthropic's `tool_choice`, which also carries OpenAI's `parallel_tool_calls: false`. */
export function anthropicToolChoice(
  choice: unknown,
  parallel: unknown,
  hasTools: boolean,
): JsonObject | undefined {
  let out: JsonObject | undefined;
  if (typeof choice === 'string') {
    const type = CHOICES[choice];
    if (type === undefined)
      throw badRequest(`tool_choice "${choice}" is not one of auto, required, none`, 'tool_choice');
    out = { type };
  } else if (isObject(choice)) {
    const name = isObject(choice.function) ? choice.function.name : undefined;
    if (choice.type !== 'function' || typeof name !== 'string')
      throw badRequest(
        'tool_choice must name a function: {type: "function", function: {name}}',
        'tool_choice',
      );
    out = { type: 'tool', name };
  } else if (choice !== undefined && choice !== null) {
    throw badRequest('tool_choice must be a string or an object', 'tool_choice');
  }
  // Without tools there is nothing to call in parallel; Anthropic's `none` takes no such flag.
  if (parallel === false && hasTools && out?.type !== 'none')
    out = { ...(out ?? { type: 'auto' }), disable_parallel_tool_use: true };
  return out;
}
