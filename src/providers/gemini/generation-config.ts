/**
 * OpenAI's sampling, output and tool parameters as Gemini's `generationConfig`, `tools` and
 * `toolConfig`. Only parameters a client set are written: Gemini's own defaults apply otherwise.
 */
import { badRequest } from '../../errors/gateway-error.ts';
import type { JsonObject } from '../../shared/json.ts';

/** OpenAI name → Gemini `generationConfig` name, for parameters whose value carries over unchanged. */
const SAME_VALUE: ReadonlyArray<[string, string]> = [
  ['temperature', 'temperature'],
  ['top_p', 'topP'],
  ['top_k', 'topK'],
  ['n', 'candidateCount'],
  ['seed', 'seed'],
  ['presence_penalty', 'presencePenalty'],
  ['frequency_penalty', 'frequencyPenalty'],
];

/** Gemini 2.x thinks within a token budget (0 turns thinking off); Gemini 3 takes a level instead. */
const THINKING_BUDGET: Readonly<Record<string, number>> = {
  none: 0,
  minimal: 128,
  low: 1024,
  medium: 2048,
  high: 4096,
};

export function generationConfig(body: JsonObject, model: string): JsonObject | undefined {
  const config: JsonObject = {};
  for (const [openAi, gemini] of SAME_VALUE) if (body[openAi] !== undefined) config[gemini] = body[openAi];
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (maxTokens !== undefined) config.maxOutputTokens = maxTokens;
  if (body.stop !== undefined && body.stop !== null)
    config.stopSequences = Array.isArray(body.stop) ? body.stop : [body.stop];
  Object.assign(config, responseFormat(body.response_format));
  if (typeof body.reasoning_effort === 'string')
    config.thinkingConfig = thinking(body.reasoning_effort, model);
  return Object.keys(config).length > 0 ? config : undefined;
}

function responseFormat(format: unknown): JsonObject {
  const f = format as JsonObject | undefined;
  if (f === undefined || f === null || f.type === 'text') return {};
  if (f.type === 'json_object') return { responseMimeType: 'application/json' };
  if (f.type === 'json_schema') {
    const schema = (f.json_schema as JsonObject | undefined)?.schema;
    // responseJsonSchema takes JSON Schema as OpenAI clients write it (additionalProperties, $defs…);
    // responseSchema takes only Gemini's OpenAPI subset and refuses those keywords with a 400.
    return schema === undefined
      ? { responseMimeType: 'application/json' }
      : { responseMimeType: 'application/json', responseJsonSchema: schema };
  }
  throw badRequest(
    `response_format type ${JSON.stringify(f.type)} is not one gemini can take`,
    'response_format',
  );
}

function thinking(effort: string, model: string): JsonObject {
  if (/^gemini-3/.test(model)) {
    // Gemini 3 thinks at a level (low or high) and cannot stop thinking altogether.
    return {
      thinkingLevel: effort === 'medium' || effort === 'high' ? 'high' : 'low',
      includeThoughts: true,
    };
  }
  const budget = THINKING_BUDGET[effort];
  if (budget === undefined)
    throw badRequest(
      `reasoning_effort ${JSON.stringify(effort)} is not one gemini can take`,
      'reasoning_effort',
    );
  // Thought summaries come back as reasoning_content; with thinking off there are none to ask for.
  return budget === 0 ? { thinkingBudget: 0 } : { thinkingBudget: budget, includeThoughts: true };
}

/** OpenAI function tools as one Gemini tool holding every function declaration. */
export function geminiTools(tools: unknown): JsonObject[] | undefined {
  if (tools === undefined || tools === null) return undefined;
  if (!Array.isArray(tools)) throw badRequest('tools must be a list', 'tools');
  if (tools.length === 0) return undefined;
  const functionDeclarations = tools.map((raw, i) => {
    const tool = raw as JsonObject;
    const fn = tool?.function as JsonObject | undefined;
    if (tool?.type !== 'function' || typeof fn?.name !== 'string')
      throw badRequest(`tools[${i}]: gemini takes only function tools with a name`, 'tools');
    const declaration: JsonObject = { name: fn.name };
    if (fn.description !== undefined) declaration.description = fn.description;
    if (fn.parameters !== undefined) declaration.parameters = fn.parameters;
    return declaration;
  });
  return [{ functionDeclarations }];
}

/** `tool_choice` as Gemini's function-calling mode (ANY = the model must call a function). */
export function toolConfig(choice: unknown): JsonObject | undefined {
  if (choice === undefined || choice === null) return undefined;
  const modes: Readonly<Record<string, string>> = { auto: 'AUTO', none: 'NONE', required: 'ANY' };
  if (typeof choice === 'string' && modes[choice] !== undefined)
    return { functionCallingConfig: { mode: modes[choice] } };
  const name = ((choice as JsonObject).function as JsonObject | undefined)?.name;
  if (typeof name === 'string')
    return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [name] } };
  throw badRequest(`tool_choice ${JSON.stringify(choice)} is not one gemini can take`, 'tool_choice');
}
