/**
 * Token counts and the sender's own costs (OpenObserve's `usage.rs`). Later conventions overwrite
 * earlier ones, as there: OpenInference's prompt and completion counts win over GenAI's, Langfuse's
 * usage details over both. Zero counts are no counts. `inputIncludesCache` says whether the input
 * count already holds the cached tokens (GenAI's and OpenInference's do; several providers' own
 * fields do not), which pricing needs.
 */
import { FRAMEWORK, GEN_AI, LANGFUSE, OPENINFERENCE, VERCEL } from './attributes.ts';
import { VERCEL_SCOPE } from './gen-ai-operation.ts';
import { type Attrs, float, int, isObject, object } from './values.ts';

export type Counts = Map<string, number>;

export interface Usage {
  /** `input`, `output`, `total`, `cache_read_input_tokens`, `cache_creation_input_tokens`, Langfuse's own. */
  tokens: Counts;
  inputIncludesCache: boolean;
}

const PROVIDER_NATIVE_CACHE = [
  'gen_ai.usage.cached_tokens',
  'gen_ai_usage_cached_tokens',
  'cached_tokens',
  'gen_ai.usage.prompt_cache_hit_tokens',
  'gen_ai_usage_prompt_cache_hit_tokens',
  'prompt_cache_hit_tokens',
  'gen_ai.usage.prompt_cache_miss_tokens',
  'gen_ai_usage_prompt_cache_miss_tokens',
  'prompt_cache_miss_tokens',
];

/** Cache-read keys in order, and whether that convention's input count includes them. */
const CACHE_READ: Array<[keys: string[], included: boolean]> = [
  [[GEN_AI.cacheReadInputTokens, 'gen_ai_usage_cache_read_input_tokens'], true],
  [['cache_read_input_tokens'], false],
  [
    [
      'gen_ai.usage.prompt_tokens_details.cached_tokens',
      'gen_ai_usage_prompt_tokens_details_cached_tokens',
      'prompt_tokens_details.cached_tokens',
      'prompt_tokens_details_cached_tokens',
    ],
    true,
  ],
  [['gen_ai.usage.cache_read_tokens', 'gen_ai_usage_cache_read_tokens'], false],
  [['gen_ai.usage.cached_tokens', 'gen_ai_usage_cached_tokens', 'cached_tokens'], false],
  [
    [
      'gen_ai.usage.prompt_cache_hit_tokens',
      'gen_ai_usage_prompt_cache_hit_tokens',
      'prompt_cache_hit_tokens',
    ],
    false,
  ],
];
const CACHE_CREATION: Array<[keys: string[], included: boolean]> = [
  [[GEN_AI.cacheCreationInputTokens, 'gen_ai_usage_cache_creation_input_tokens'], true],
  [['cache_creation_input_tokens'], false],
  [['gen_ai.usage.cache_write_tokens', 'gen_ai_usage_cache_write_tokens'], false],
];

export function usage(attrs: Attrs, scope: string | undefined): Usage {
  const tokens: Counts = new Map();
  let inputIncludesCache = false;
  const set = (key: string, n: number | undefined) => {
    if (n !== undefined && n > 0) tokens.set(key, n);
  };
  set('total', firstInt(attrs, [FRAMEWORK.llmUsageTotalTokens, 'llm_usage_total_tokens']));
  const genAi: Array<[string[], string]> = [
    [[GEN_AI.inputTokens, 'gen_ai_usage_input_tokens'], 'input'],
    [[GEN_AI.outputTokens, 'gen_ai_usage_output_tokens'], 'output'],
    [[GEN_AI.totalTokens, 'gen_ai_usage_total_tokens'], 'total'],
    [['gen_ai.usage.prompt_tokens', 'gen_ai_usage_prompt_tokens'], 'input'],
    [['gen_ai.usage.completion_tokens', 'gen_ai_usage_completion_tokens'], 'output'],
  ];
  for (const [keys, name] of genAi) {
    const n = firstInt(attrs, keys);
    if (n === undefined) continue;
    if (name === 'input') inputIncludesCache = true;
    set(name, n);
  }
  for (const [name, conventions] of [
    ['cache_read_input_tokens', CACHE_READ],
    ['cache_creation_input_tokens', CACHE_CREATION],
  ] as const) {
    for (const [keys, included] of conventions) {
      const n = firstInt(attrs, keys);
      if (n === undefined) continue;
      set(name, n);
      inputIncludesCache = included;
      break;
    }
  }
  const miss = firstInt(attrs, [
    'gen_ai.usage.prompt_cache_miss_tokens',
    'gen_ai_usage_prompt_cache_miss_tokens',
    'prompt_cache_miss_tokens',
  ]);
  if (miss !== undefined) {
    set('input', miss);
    inputIncludesCache = false;
  }
  const prompt = firstInt(attrs, [OPENINFERENCE.promptTokens, 'llm_token_count_prompt']);
  if (prompt !== undefined) {
    set('input', prompt);
    if (!PROVIDER_NATIVE_CACHE.some((key) => attrs.has(key))) inputIncludesCache = true;
  }
  set('output', firstInt(attrs, [OPENINFERENCE.completionTokens, 'llm_token_count_completion']));
  if (scope === VERCEL_SCOPE) {
    const input = firstInt(attrs, [
      GEN_AI.inputTokens,
      'gen_ai_usage_input_tokens',
      'gen_ai.usage.prompt_tokens',
    ]);
    if (input !== undefined) {
      set('input', input);
      inputIncludesCache = true;
    }
    set(
      'output',
      firstInt(attrs, [GEN_AI.outputTokens, 'gen_ai_usage_output_tokens', 'gen_ai.usage.completion_tokens']),
    );
    set('total', firstInt(attrs, [VERCEL.usageTokens]));
  }
  const details = object(attrs.get(LANGFUSE.usageDetails));
  for (const [key, value] of Object.entries(details ?? {})) {
    const n = int(value);
    if (n !== undefined && typeof value === 'number') set(LANGFUSE_NAMES[key] ?? key, n);
    else if (isObject(value))
      for (const [inner, v] of Object.entries(value))
        if (typeof v === 'number') set(`${key}_${inner}`, int(v));
  }
  return { tokens, inputIncludesCache };
}

const LANGFUSE_NAMES: Record<string, string> = {
  prompt_tokens: 'input',
  completion_tokens: 'output',
  total_tokens: 'total',
};

/**
 * The costs the sender wrote: GenAI's total and Langfuse's cost details, as there; and, unlike
 * OpenObserve, OpenInference's `llm.cost.*` (prompt → input, completion → output), which it ignores
 * and prices from its own table instead.
 */
export function sentCost(attrs: Attrs): Counts {
  const cost: Counts = new Map();
  const set = (key: string, n: number | undefined) => {
    if (n !== undefined && n > 0) cost.set(key, n);
  };
  set('total', float(attrs.get(GEN_AI.cost)));
  const details = object(attrs.get(LANGFUSE.costDetails));
  for (const [key, value] of Object.entries(details ?? {})) {
    if (typeof value === 'number') set(key, value);
    else if (isObject(value))
      for (const [inner, v] of Object.entries(value)) if (typeof v === 'number') set(`${key}_${inner}`, v);
  }
  if (cost.size === 0) {
    set('input', float(attrs.get(OPENINFERENCE.costPrompt)));
    set('output', float(attrs.get(OPENINFERENCE.costCompletion)));
    set('total', float(attrs.get(OPENINFERENCE.costTotal)));
  }
  return cost;
}

function firstInt(attrs: Attrs, keys: readonly string[]): number | undefined {
  for (const key of keys) {
    const n = int(attrs.get(key));
    if (n !== undefined) return n;
  }
  return undefined;
}
