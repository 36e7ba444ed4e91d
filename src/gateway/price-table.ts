/**
 * A deployment's price from the bundled `@pydantic/genai-prices` table, looked up once. `calcPrice`
 * matches the model name against its provider's whole model list on every call (and against the
 * fallback providers' lists); at thousands of requests a second that search was a large share of a
 * request's CPU. So the match is made once per deployment, and each request only computes the price:
 *
 * - for an entry with one flat price list (no time-of-day or start-date variants, no token tiers), the
 *   price is linear in the token counts, so the per-token rates are read off the library itself, by
 *   pricing one token of each kind once, and a request costs four multiplications;
 * - for any other entry, `calcPrice` runs per request against a provider holding only the matched model,
 *   so time and tiers are still evaluated for that request, without the search.
 */
import type {
  calcPrice as CalcPriceFn,
  ModelInfo,
  PriceCalculation,
  Provider,
  Usage as TokenUsage,
} from '@pydantic/genai-prices';
import type { Usage } from '../providers/spec.ts';

export type CalcPrice = typeof CalcPriceFn;

/** USD, per direction, as the table splits it. */
export interface Price {
  input: number;
  output: number;
}

/** One request's price; throws what `calcPrice` throws (e.g. more cached than prompt tokens). */
export type TablePricer = (usage: Usage) => Price;

/** The genai-prices usage keys for our token counts. */
function tokensOf(usage: Usage): TokenUsage {
  const tokens: TokenUsage = { input_tokens: usage.promptTokens, output_tokens: usage.completionTokens };
  if (usage.cachedTokens) tokens.cache_read_tokens = usage.cachedTokens;
  if (usage.cacheWriteTokens) tokens.cache_write_tokens = usage.cacheWriteTokens;
  return tokens;
}

const priceOf = (r: PriceCalculation): Price => ({ input: r.input_price, output: r.output_price });

/**
 * The pricer for `model` under the genai-prices provider `providerId`, or undefined when the table does
 * not know the model. This is the one table search; `calc` is `calcPrice` (injected for tests).
 */
export function tablePricer(calc: CalcPrice, providerId: string, model: string): TablePricer | undefined {
  const match = calc({ input_tokens: 0, output_tokens: 0 }, model, { providerId });
  if (match === null) return undefined;
  // The matched model may come from a fallback provider (azure → openai); the provider's own id is kept
  // (the library special-cases some by id), its list cut to the model found.
  const provider: Provider = {
    ...match.provider,
    models: [match.model],
    fallback_model_providers: undefined,
  };
  const exact: TablePricer = (usage) => {
    const r = calc(tokensOf(usage), model, { provider });
    if (r === null) throw new Error(`${providerId}/${model} lost its price entry`);
    return priceOf(r);
  };
  if (!isFlat(match.model)) return exact;
  try {
    return linear(exact);
  } catch {
    // An entry the library cannot price one token of is left to price each request its own way.
    return exact;
  }
}

/** One price list for all time, and a plain number per token kind (no tiers by prompt size). */
function isFlat(model: ModelInfo): boolean {
  return !Array.isArray(model.prices) && Object.values(model.prices).every((p) => typeof p !== 'object');
}

/**
 * A flat entry priced from per-token rates: the library's price of no tokens (a per-request fee, if
 * any), then what one more token of each kind adds. Cached and cache-write tokens are part of the
 * prompt tokens, so their rate is measured on top of one prompt token (and is usually negative).
 */
function linear(exact: TablePricer): TablePricer {
  const usage = (u: Partial<Usage>): Usage => ({
    promptTokens: 0,
    completionTokens: 0,
    totalTokens: 0,
    ...u,
  });
  const none = exact(usage({}));
  const prompt = exact(usage({ promptTokens: 1 }));
  const completion = exact(usage({ completionTokens: 1 }));
  const cached = exact(usage({ promptTokens: 1, cachedTokens: 1 }));
  const cacheWrite = exact(usage({ promptTokens: 1, cacheWriteTokens: 1 }));
  const rates = (k: keyof Price) => ({
    none: none[k],
    prompt: prompt[k] - none[k],
    completion: completion[k] - none[k],
    cached: cached[k] - prompt[k],
    cacheWrite: cacheWrite[k] - prompt[k],
  });
  const input = rates('input');
  const output = rates('output');
  const apply = (r: typeof input, u: Usage, cached: number, written: number) =>
    r.none +
    r.prompt * u.promptTokens +
    r.completion * u.completionTokens +
    r.cached * cached +
    r.cacheWrite * written;
  return (u) => {
    const cached = u.cachedTokens ?? 0;
    const written = u.cacheWriteTokens ?? 0;
    // Usage the library refuses (more cached than prompt tokens) is refused the same way.
    if (cached + written > u.promptTokens) return exact(u);
    return { input: apply(input, u, cached, written), output: apply(output, u, cached, written) };
  };
}
