/**
 * Cost and token counts for LLM spans that lack them (OpenObserve's `pricing.rs`). Prices come from
 * the bundled genai-prices table, not OpenObserve's own list of ~70 model patterns nor its
 * per-organisation pricing; genai-prices also prices cached input tokens at their own rate (OpenObserve's
 * built-in list bills them as uncached input). Tokens are counted with the o200k tokenizer, where
 * OpenObserve picks the model's own tiktoken encoding when it knows one.
 */
import { createRequire } from 'node:module';

type CalcPrice = typeof import('@pydantic/genai-prices').calcPrice;
type CountTokens = (text: string) => number;

const require = createRequire(import.meta.url);
let calcPrice: CalcPrice | undefined;
let countText: CountTokens | undefined;
/** Models genai-prices does not know, so a stream of them costs one failed lookup each, not one per span. */
const unpriced = new Set<string>();

export interface TokenUsage {
  /** Input tokens, cached ones included. */
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

export interface Cost {
  input: number;
  output: number;
  total: number;
}

/** The price of the tokens, or none for a model the table does not know. */
export function priceOf(model: string, provider: string | undefined, usage: TokenUsage): Cost | undefined {
  const key = `${provider}/${model}`;
  if (unpriced.has(key)) return undefined;
  const tokens: Record<string, number> = { input_tokens: usage.input, output_tokens: usage.output };
  if (usage.cacheRead > 0) tokens.cache_read_tokens = usage.cacheRead;
  if (usage.cacheWrite > 0) tokens.cache_write_tokens = usage.cacheWrite;
  const price = lookup(tokens, model, provider) ?? (provider ? lookup(tokens, model, undefined) : undefined);
  if (price === undefined) {
    if (unpriced.size >= 10_000) unpriced.clear();
    unpriced.add(key);
    return undefined;
  }
  return {
    input: price.input_price,
    output: price.output_price,
    total: price.input_price + price.output_price,
  };
}

function lookup(tokens: Record<string, number>, model: string, providerId: string | undefined) {
  // The table costs ~20 MB, so it is loaded on first need (synchronously: results never depend on timing).
  calcPrice ??= (require('@pydantic/genai-prices') as typeof import('@pydantic/genai-prices')).calcPrice;
  try {
    return calcPrice(tokens, model, providerId ? { providerId } : {}) ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * BPE is quadratic in the length of one word, so text is counted in slices, and past a budget the rest
 * is extrapolated at the ratio counted so far: a 10 MB input costs milliseconds.
 */
const SLICE_CHARS = 2048;
const EXACT_CHARS = 256 * 1024;

/** The tokens of a text (an input or output as its JSON text, as OpenObserve counts it). */
export function countTokens(text: string): number {
  // The tokenizer's tables are large (~70 MB); only spans without token counts need them.
  countText ??= (require('gpt-tokenizer/encoding/o200k_base') as { countTokens: CountTokens }).countTokens;
  let tokens = 0;
  let at = 0;
  while (at < text.length && at < EXACT_CHARS) {
    let end = Math.min(text.length, at + SLICE_CHARS);
    const space = end < text.length ? text.lastIndexOf(' ', end) : -1;
    if (space > at + SLICE_CHARS / 2) end = space;
    tokens += countText(text.slice(at, end));
    at = end;
  }
  if (at < text.length) tokens += Math.ceil((text.length - at) * (tokens / at));
  return tokens;
}
