/**
 * OpenObserve's LLM enrichment of one span at ingest (its `processor.rs`): read everything the
 * extractors find, drop the input and output attributes now held in `gen_ai.input.messages` /
 * `gen_ai.output.messages`, count and price tokens where the span has none, and write the `gen_ai.*`
 * attributes. What is written replaces an attribute of the same key, except token counts and costs,
 * which the sender's own values keep.
 */

import { stringify } from '../json.ts';
import type { OtlpAttributes, OtlpEvent, OtlpValue } from '../otlp/model.ts';
import { agentIdentity } from './agent.ts';
import { ENVIRONMENT, GEN_AI, LANGFUSE, USER_ID } from './attributes.ts';
import { evaluation } from './evaluation.ts';
import { isGenerationOrEmbedding, operationName } from './gen-ai-operation.ts';
import { inputOutput, isRemovedInputOutput } from './input-output.ts';
import { sessionId, userId } from './metadata.ts';
import { modelName } from './model.ts';
import { modelParameters } from './parameters.ts';
import { countTokens, priceOf } from './pricing.ts';
import { promptName } from './prompt.ts';
import { providerName } from './provider.ts';
import { completionStartMicros } from './timestamps.ts';
import { toolCall } from './tool.ts';
import { type Counts, sentCost, usage } from './usage.ts';
import { type Attrs, toJson } from './values.ts';

export interface LlmSpan {
  attributes: OtlpAttributes;
  events: readonly OtlpEvent[];
  startNs: bigint;
  /** OTLP's status code: 2 is ERROR. */
  statusCode?: number;
}

/** The attributes by key, the last of a repeated key winning, as OpenObserve collects them. */
export function attributeMap(attributes: OtlpAttributes): Map<string, OtlpValue> {
  return new Map(attributes);
}

/**
 * The span's attributes after enrichment, to be stored in place of the ones it arrived with: its own
 * (less the input and output attributes moved, and those rewritten), then the written ones. A list
 * rather than a copied map: the copy was a fifth of the enrichment's cost.
 */
export function enrichLlmSpan(
  attrs: Attrs,
  span: LlmSpan,
  resource: Attrs,
  scope: string | undefined,
): Array<[string, OtlpValue]> {
  const written = writtenAttributes(attrs, span, resource, scope);
  const out: Array<[string, OtlpValue]> = [];
  for (const entry of span.attributes)
    if (!written.has(entry[0]) && !isRemovedInputOutput(entry[0])) out.push(entry);
  for (const entry of written) out.push(entry);
  return out;
}

function writtenAttributes(
  attrs: Attrs,
  span: LlmSpan,
  resource: Attrs,
  scope: string | undefined,
): Map<string, OtlpValue> {
  const operation = operationName(attrs, scope);
  const model = modelName(attrs);
  const provider = providerName(attrs);
  const io = inputOutput(attrs, span.events, scope);
  const out = new Map<string, OtlpValue>();
  out.set(GEN_AI.operationName, operation);
  if (model !== undefined) out.set(GEN_AI.responseModel, model);
  if (provider !== undefined) out.set(GEN_AI.providerName, provider);
  if (io.input !== undefined) out.set(GEN_AI.inputMessages, io.input);
  if (io.output !== undefined) out.set(GEN_AI.outputMessages, io.output);
  for (const [key, value] of modelParameters(attrs, scope)) out.set(key, value);
  const { tokens, cost } = usageAndCost(attrs, scope, operation, model, provider, io, span.statusCode === 2);
  // The sender's own count or cost stays; an input or output attribute moved away does not count as one.
  const keep = (key: string, value: number | undefined) => {
    if (value === undefined || out.has(key)) return;
    if (!attrs.has(key) || isRemovedInputOutput(key)) out.set(key, value);
  };
  keep(GEN_AI.inputTokens, tokens.get('input'));
  keep(GEN_AI.outputTokens, tokens.get('output'));
  keep(GEN_AI.totalTokens, tokens.get('total'));
  keep(GEN_AI.cacheReadInputTokens, tokens.get('cache_read_input_tokens'));
  keep(GEN_AI.cacheCreationInputTokens, tokens.get('cache_creation_input_tokens'));
  keep(GEN_AI.costInput, cost.get('input'));
  keep(GEN_AI.costOutput, cost.get('output'));
  keep('gen_ai.usage.cost.cache_read.input', cost.get('cache_read_input_tokens'));
  keep('gen_ai.usage.cost.cache_creation.input', cost.get('cache_creation_input_tokens'));
  keep(GEN_AI.cost, cost.get('total'));

  const user = userId(attrs, resource);
  if (user !== undefined) out.set(USER_ID, user);
  const session = sessionId(attrs, resource);
  if (session !== undefined) out.set(GEN_AI.conversationId, session);
  const prompt = promptName(attrs);
  if (prompt !== undefined) out.set(GEN_AI.promptName, prompt);
  const firstChunk = completionStartMicros(attrs.get(LANGFUSE.completionStartTime));
  const startMicros = Number(span.startNs / 1000n);
  if (firstChunk !== undefined && firstChunk >= startMicros)
    out.set(GEN_AI.timeToFirstChunk, (firstChunk - startMicros) / 1_000_000);
  const tool = toolCall(attrs);
  if (tool.name !== undefined) out.set(GEN_AI.toolName, tool.name);
  if (tool.id !== undefined) out.set(GEN_AI.toolCallId, tool.id);
  if (tool.arguments !== undefined) out.set(GEN_AI.toolCallArguments, tool.arguments);
  if (tool.result !== undefined) out.set(GEN_AI.toolCallResult, tool.result);
  const agent = agentIdentity(attrs, resource);
  if (agent.name !== undefined) out.set(GEN_AI.agentName, agent.name);
  if (agent.id !== undefined) out.set(GEN_AI.agentId, agent.id);
  if (agent.env !== undefined) out.set(ENVIRONMENT, agent.env);
  if (agent.version !== undefined) out.set(GEN_AI.agentVersion, agent.version);
  for (const [key, value] of evaluation(attrs)) out.set(key, value);
  return out;
}

/**
 * Token counts, with the input and output counted from their text for a generation or embedding that
 * reports none, and its cost from the price table when the sender wrote none. Input, output and
 * total are always there (0 when unknown), and so is the total cost.
 */
function usageAndCost(
  attrs: Attrs,
  scope: string | undefined,
  operation: string,
  model: string | undefined,
  provider: string | undefined,
  io: { input?: OtlpValue; output?: OtlpValue },
  failed: boolean,
): { tokens: Counts; cost: Counts } {
  const found = usage(attrs, scope);
  const tokens = found.tokens;
  let includesCache = found.inputIncludesCache;
  const cost = sentCost(attrs);
  const cacheRead = tokens.get('cache_read_input_tokens') ?? 0;
  const cacheWrite = tokens.get('cache_creation_input_tokens') ?? 0;
  // A failed call that reported no tokens generated nothing and was billed nothing: OpenObserve counts
  // and prices its input text anyway, which would show a cost nobody paid (and load the tokenizer's
  // ~70 MB into the store for a gateway whose upstream is down). Here it stays uncounted.
  if (isGenerationOrEmbedding(operation) && !(failed && tokens.size === 0)) {
    if (io.input !== undefined && !tokens.has('input')) {
      tokens.set('input', countTokens(stringify(toJson(io.input))));
      includesCache = true;
    }
    if (io.output !== undefined && !tokens.has('output'))
      tokens.set('output', countTokens(stringify(toJson(io.output))));
    const input = tokens.get('input') ?? 0;
    const output = tokens.get('output') ?? 0;
    if (cost.size === 0 && model !== undefined) {
      const context = includesCache ? input : input + cacheRead + cacheWrite;
      const price = priceOf(model, provider, { input: context, output, cacheRead, cacheWrite });
      if (price !== undefined) {
        cost.set('input', price.input);
        cost.set('output', price.output);
        cost.set('total', price.total);
      }
    }
  }
  if (!tokens.has('input')) tokens.set('input', 0);
  if (!tokens.has('output')) tokens.set('output', 0);
  if (!tokens.has('total')) {
    const cached = includesCache ? 0 : cacheRead + cacheWrite;
    tokens.set('total', (tokens.get('input') ?? 0) + cached + (tokens.get('output') ?? 0));
  }
  if (!cost.has('total')) {
    let total = 0;
    for (const value of cost.values()) total += value;
    cost.set('total', total);
  }
  return { tokens, cost };
}
