/** One `model_list` entry (or the `--model` flag) as the Deployment the gateway routes to. */
import { createHash } from 'node:crypto';
import { ConfigError } from './config-error.ts';
import { parseModelString } from './provider.ts';
import { type LitellmParams, litellmParamsSchema, type ModelEntry } from './schema.ts';
import type { Deployment } from './types.ts';

/** `litellm_params` keys with a meaning of their own; every other key is a default request parameter. */
const OWN_KEYS: ReadonlySet<string> = new Set(Object.keys(litellmParamsSchema.shape));

/**
 * Builds a Deployment; an unsupported provider is a ConfigError naming `modelPath` (where the model
 * string was written: `config.yaml: model_list[2].litellm_params.model`, or `--model`).
 */
/** Where each provider's defaults come from, in LiteLLM's order (OPENAI_BASE_URL is the openai SDK's name). */
const PROVIDER_ENV: Readonly<Record<string, { base: string[]; key: string[]; version?: string[] }>> = {
  openai: { base: ['OPENAI_BASE_URL', 'OPENAI_API_BASE'], key: ['OPENAI_API_KEY'] },
  azure: { base: ['AZURE_API_BASE'], key: ['AZURE_API_KEY'], version: ['AZURE_API_VERSION'] },
  anthropic: { base: ['ANTHROPIC_API_BASE', 'ANTHROPIC_BASE_URL'], key: ['ANTHROPIC_API_KEY'] },
  groq: { base: [], key: ['GROQ_API_KEY'] },
  together_ai: { base: [], key: ['TOGETHERAI_API_KEY', 'TOGETHER_API_KEY'] },
  deepseek: { base: [], key: ['DEEPSEEK_API_KEY'] },
  mistral: { base: [], key: ['MISTRAL_API_KEY'] },
  openrouter: { base: [], key: ['OPENROUTER_API_KEY'] },
  fireworks_ai: { base: [], key: ['FIREWORKS_AI_API_KEY', 'FIREWORKS_API_KEY'] },
  xai: { base: [], key: ['XAI_API_KEY'] },
  perplexity: { base: [], key: ['PERPLEXITYAI_API_KEY', 'PERPLEXITY_API_KEY'] },
  deepinfra: { base: [], key: ['DEEPINFRA_API_KEY'] },
  cerebras: { base: [], key: ['CEREBRAS_API_KEY'] },
  gemini: { base: ['GEMINI_API_BASE'], key: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'] },
};
/** Hosts without a key (local servers) take their address from the environment only. */
const LOCAL_ENV: Readonly<Record<string, string[]>> = {
  ollama: ['OLLAMA_API_BASE'],
  ollama_chat: ['OLLAMA_API_BASE'],
  hosted_vllm: ['HOSTED_VLLM_API_BASE'],
  vllm: ['HOSTED_VLLM_API_BASE'],
  lm_studio: ['LM_STUDIO_API_BASE'],
};

export function buildDeployment(
  entry: ModelEntry,
  modelPath: string,
  env: NodeJS.ProcessEnv,
  warnings: string[],
): Deployment {
  const p = entry.litellm_params;
  const ref = parseModelString(p.model, p.custom_llm_provider);
  if (!ref.ok) throw new ConfigError(`${modelPath}: ${ref.reason}`);
  const vars = PROVIDER_ENV[ref.provider];
  const fromEnv = (names: readonly string[] = []) =>
    names.map((n) => envValue(env, n)).find((v) => v !== undefined);
  const apiBase = p.api_base ?? fromEnv(vars?.base ?? LOCAL_ENV[ref.provider]);
  if ((ref.provider === 'hosted_vllm' || ref.provider === 'vllm') && apiBase === undefined)
    throw new ConfigError(
      `${modelPath}: a ${ref.provider}/ deployment needs api_base (or HOSTED_VLLM_API_BASE)`,
    );
  const apiKey = p.api_key ?? fromEnv(vars?.key);
  if (vars && apiKey === undefined) {
    // Not fatal: the upstream answers 401, which the client sees as a clean auth error.
    warnings.push(`model "${entry.model_name}": no api_key and ${vars.key.join(' / ')} is not set`);
  }
  if (ref.provider === 'azure' && apiBase === undefined)
    throw new ConfigError(
      `${modelPath}: an azure/ deployment needs api_base (or AZURE_API_BASE): https://<resource>.openai.azure.com`,
    );
  const modelInfo: Record<string, unknown> = { ...entry.model_info };
  const deployment: Deployment = {
    id: entry.model_info?.id ?? derivedId(entry.model_name, p.model, apiBase),
    modelName: entry.model_name,
    provider: ref.provider,
    model: ref.model,
    litellmModel: p.model,
    params: requestParams(p),
    modelInfo,
  };
  setDefined(deployment, {
    apiBase,
    apiKey,
    apiVersion: p.api_version ?? fromEnv(vars?.version),
    timeoutMs: p.timeout === undefined ? undefined : p.timeout * 1000,
    maxRetries: p.max_retries,
    dropParams: p.drop_params,
    rpm: p.rpm,
    tpm: p.tpm,
    weight: p.weight,
  });
  return deployment;
}

/**
 * Gives every deployment a unique id. Explicit `model_info.id`s must be unique (LiteLLM reports a
 * deployment by id, and two with one id cannot be told apart). Derived ids of identical entries, which
 * is how some configs weight a deployment, get a `-2`, `-3`, … suffix.
 */
export function ensureUniqueIds(deployments: Deployment[], label: string): void {
  const owners = new Map<string, number>();
  for (const [i, d] of deployments.entries()) {
    if (typeof d.modelInfo.id !== 'string') continue;
    const owner = owners.get(d.id);
    if (owner !== undefined) {
      throw new ConfigError(
        `${label}: model_list[${i}].model_info.id: "${d.id}" is already the id of model_list[${owner}]`,
      );
    }
    owners.set(d.id, i);
  }
  for (const [i, d] of deployments.entries()) {
    if (typeof d.modelInfo.id === 'string') continue;
    let id = d.id;
    for (let n = 2; owners.has(id); n++) id = `${d.id}-${n}`;
    d.id = id;
    owners.set(id, i);
  }
}

/** A short, stable id: the same entry gets the same id on every start and on every replica. */
export function derivedId(modelName: string, litellmModel: string, apiBase: string | undefined): string {
  return createHash('sha256')
    .update(`${modelName}\0${litellmModel}\0${apiBase ?? ''}`)
    .digest('hex')
    .slice(0, 12);
}

/** An environment variable, treating set-but-blank (`OPENAI_API_KEY=` in a .env) as unset. */
export function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}

function requestParams(p: LitellmParams): Record<string, unknown> {
  return Object.fromEntries(Object.entries(p).filter(([key]) => !OWN_KEYS.has(key)));
}

/** Copies only defined values, so optional fields stay absent rather than present-and-undefined. */
function setDefined(target: Deployment, values: Partial<Deployment>): void {
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) Object.assign(target, { [key]: value });
  }
}
