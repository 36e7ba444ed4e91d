/**
 * What a call cost, in USD: the deployment's own prices when `model_info` sets them (LiteLLM's
 * `input_cost_per_token` / `output_cost_per_token`), else the bundled price table of
 * `@pydantic/genai-prices` (no network). The table is large, so it is loaded only when some
 * deployment may need it, never for the offline demo model. Which of these prices a deployment is
 * decided on its first priced request and kept for the deployment's life (price-table.ts).
 */
import type { Deployment } from '../config/types.ts';
import { descriptorFor } from '../providers/catalog.ts';
import type { Usage } from '../providers/spec.ts';
import type { CalcPrice } from './price-table.ts';
import { tablePricer } from './price-table.ts';

export interface Cost {
  prompt: number;
  completion: number;
  total: number;
}

type Pricer = (usage: Usage) => Cost | undefined;

const unpriced: Pricer = () => undefined;

/** The genai-prices provider id a deployment's models are priced under (the mock has no price). */
const priceProvider = (d: Deployment) => descriptorFor(d.provider)?.priceProvider;

/**
 * Costs with or without the price table (`calc`: its `calcPrice`), each deployment's pricer built once.
 * Deployments are keys by identity, so a wildcard's concrete deployments go when the registry drops them.
 */
export class Prices {
  readonly #calc: CalcPrice | undefined;
  readonly #pricers = new WeakMap<Deployment, Pricer>();

  constructor(calc?: CalcPrice) {
    this.#calc = calc;
  }

  costOf(deployment: Deployment, usage: Usage | undefined): Cost | undefined {
    if (usage === undefined) return undefined;
    let pricer = this.#pricers.get(deployment);
    if (pricer === undefined) {
      pricer = this.#pricerFor(deployment);
      this.#pricers.set(deployment, pricer);
    }
    try {
      return pricer(usage);
    } catch {
      // A price is a fact for the trace, never a reason to fail a request that has already succeeded.
      return undefined;
    }
  }

  #pricerFor(deployment: Deployment): Pricer {
    const custom = customPrices(deployment);
    if (custom) return (u) => split(u.promptTokens * custom.input, u.completionTokens * custom.output);
    const providerId = priceProvider(deployment);
    if (this.#calc === undefined || providerId === undefined) return unpriced;
    try {
      const table = tablePricer(this.#calc, providerId, deployment.model);
      if (table === undefined) return unpriced;
      return (u) => {
        const p = table(u);
        return split(p.input, p.output);
      };
    } catch {
      // A model the table cannot even match is unpriced, as one it does not know.
      return unpriced;
    }
  }
}

/** Until loadPrices has loaded the table, only deployments with their own prices are priced. */
let prices = new Prices();
let tableLoaded = false;

/** Loads the price table if any deployment could be priced from it. */
export async function loadPrices(deployments: Deployment[]): Promise<void> {
  if (tableLoaded || !deployments.some((d) => priceProvider(d) !== undefined)) return;
  prices = new Prices((await import('@pydantic/genai-prices')).calcPrice);
  tableLoaded = true;
}

export function costOf(deployment: Deployment, usage: Usage | undefined): Cost | undefined {
  return prices.costOf(deployment, usage);
}

function customPrices(deployment: Deployment): { input: number; output: number } | undefined {
  const input = deployment.modelInfo.input_cost_per_token;
  const output = deployment.modelInfo.output_cost_per_token;
  if (typeof input !== 'number' && typeof output !== 'number') return undefined;
  return { input: typeof input === 'number' ? input : 0, output: typeof output === 'number' ? output : 0 };
}

export function split(prompt: number, completion: number): Cost {
  return { prompt, completion, total: prompt + completion };
}
