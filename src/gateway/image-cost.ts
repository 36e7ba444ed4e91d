/**
 * What an image generation cost when its answer has no token usage to price (DALL·E; most hosts):
 * per image, as LiteLLM prices them. Unpriced, images would cost a key nothing, and a budget would not
 * hold a key that only makes images. Token-priced models (gpt-image-1) report usage and are priced from
 * it (cost.ts) before this is asked.
 *
 * The deployment's own `model_info` wins (LiteLLM's keys: `input_cost_per_image` or
 * `output_cost_per_image` per image, `input_cost_per_pixel` per pixel of the requested size), else
 * OpenAI's published DALL·E prices.
 */
import type { Deployment } from '../config/types.ts';
import type { JsonObject } from '../shared/json.ts';
import { type Cost, split } from './cost.ts';

/** USD per image, by model, then quality, then size (OpenAI's price list). */
const DALL_E: Record<string, Record<string, Record<string, number>>> = {
  'dall-e-3': {
    standard: { '1024x1024': 0.04, '1024x1792': 0.08, '1792x1024': 0.08 },
    hd: { '1024x1024': 0.08, '1024x1792': 0.12, '1792x1024': 0.12 },
  },
  'dall-e-2': { standard: { '256x256': 0.016, '512x512': 0.018, '1024x1024': 0.02 } },
};

const DEFAULT_SIZE = '1024x1024';

export function imageCost(deployment: Deployment, request: JsonObject, answer: JsonObject): Cost | undefined {
  const images = Array.isArray(answer.data)
    ? answer.data.length
    : typeof request.n === 'number' && request.n > 0
      ? request.n
      : 1;
  const size =
    typeof request.size === 'string' ? request.size.replace(/-x-/i, 'x').toLowerCase() : DEFAULT_SIZE;
  const perImage = ownPrice(deployment.modelInfo, size) ?? dallEPrice(deployment, request.quality, size);
  if (perImage === undefined) return undefined;
  return split(0, perImage * images);
}

function ownPrice(info: Record<string, unknown>, size: string): number | undefined {
  const price = (key: string) => {
    const value = Number(info[key]);
    return info[key] !== undefined && info[key] !== null && Number.isFinite(value) && value >= 0
      ? value
      : undefined;
  };
  const perImage = price('input_cost_per_image') ?? price('output_cost_per_image');
  if (perImage !== undefined) return perImage;
  const perPixel = price('input_cost_per_pixel');
  const [width, height] = size.split('x').map(Number);
  if (perPixel === undefined || !(width && height)) return undefined;
  return perPixel * width * height;
}

function dallEPrice(deployment: Deployment, quality: unknown, size: string): number | undefined {
  if (deployment.provider !== 'openai' && deployment.provider !== 'azure') return undefined;
  const prices = DALL_E[deployment.model];
  if (prices === undefined) return undefined;
  // DALL·E 3's qualities are standard and hd; the newer names (low … high, auto) mean the default.
  const byQuality = prices[quality === 'hd' ? 'hd' : 'standard'] ?? prices.standard;
  return byQuality?.[size];
}
