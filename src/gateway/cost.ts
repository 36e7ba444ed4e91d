/**
 * What a call cost, in USD: the deployment's own prices when `model_info` sets them (LiteLLM's
 * `input_cost_per_token` / `output_cost_per_token`), else the bundled price table of
 * `@pydantic/genai-prices` (no network). The table is large, so it is loaded only when some
 * deployment may need it, never for the offline demo model.
 */
import type { Deployment } from '../config/types.ts';
import { descriptorFor } from '../providers/catalog.ts';
import type { Usage } from '../providers/spec.ts';

export interface Cost {
  prompt: number;
  completion: number;
  total: number;
}

type CalcPrice = typeof import('@pydantic/genai-prices').calcPrice;

/** The genai-prices provider id a deployment's models are priced under (the mock has no price). */
const priceProvider = (d: Deployment) => descriptorFor(d.provider)?.priceProvider;

let calcPrice: CalcPrice | undefined;
/** Models the table does not know, so the miss is paid once, not per request. */
const unpriced = new Set<string>();

/** Loads the price table if any deployment could be priced from it. */
export async function loadPrices(deployments: Deployment[]): Promise<void> {
  if (calcPrice !== undefined || !deployments.some((d) => priceProvider(d) !== undefined)) return;
  calcPrice = (await import('@pydantic/genai-prices')).calcPrice;
}

export function costOf(deployment: Deployment, usage: Usage | undefined): Cost | undefined {
  if (usage === undefined) return undefined;
  const custom = customPrices(deployment);
  if (custom) return split(usage.promptTokens * custom.input, usage.completionTokens * custom.output);
  const providerId = priceProvider(deployment);
  const key = `${providerId}/${deployment.model}`;
  if (calcPrice === undefined || providerId === undefined || unpriced.has(key)) return undefined;
  const tokens: Record<string, number> = {
    input_tokens: usage.promptTokens,
    output_tokens: usage.completionTokens,
  };
  if (usage.cachedTokens) tokens.cache_read_tokens = usage.cachedTokens;
  if (usage.cacheWriteTokens) tokens.cache_write_tokens = usage.cacheWriteTokens;
  let price: ReturnType<CalcPrice>;
  try {
    price = calcPrice(tokens, deployment.model, { providerId });
  } catch {
    // A price is a fact for the trace, never a reason to fail a request that has already succeeded.
    return undefined;
  }
  if (price === null) {
    unpriced.add(key);
    return undefined;
  }
  return split(price.input_price, price.output_price);
}

function customPrices(deployment: Deployment): { input: number; output: number } | undefined {
  const input = deployment.modelInfo.input_cost_per_token;
  const output = deployment.modelInfo.output_cost_per_token;
  if (typeof input !== 'number' && typeof output !== 'number') return undefined;
  return { input: typeof input === 'number' ? input : 0, output: typeof output === 'number' ? output : 0 };
}

function split(prompt: number, completion: number): Cost {
  return { prompt, completion, total: prompt + completion };
}
