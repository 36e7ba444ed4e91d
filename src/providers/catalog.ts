/**
 * Every provider Tollgate can call, as data: one line per provider folder. Config, cost and telemetry
 * look providers up here, never in adapters (this module loads no provider code). The order is the
 * order of the "supported" list in config errors.
 */
import { descriptor as anthropic } from './anthropic/descriptor.ts';
import { descriptor as azure } from './azure/descriptor.ts';
import { descriptor as cerebras } from './cerebras/descriptor.ts';
import { descriptor as deepinfra } from './deepinfra/descriptor.ts';
import { descriptor as deepseek } from './deepseek/descriptor.ts';
import type { ProviderDescriptor } from './descriptor.ts';
import { descriptor as fireworksAi } from './fireworks_ai/descriptor.ts';
import { descriptor as gemini } from './gemini/descriptor.ts';
import { descriptor as groq } from './groq/descriptor.ts';
import { descriptor as hostedVllm } from './hosted_vllm/descriptor.ts';
import { descriptor as lmStudio } from './lm_studio/descriptor.ts';
import { descriptor as mistral } from './mistral/descriptor.ts';
import { descriptor as mock } from './mock/descriptor.ts';
import { descriptor as nebius } from './nebius/descriptor.ts';
import { descriptor as nvidiaNim } from './nvidia_nim/descriptor.ts';
import { descriptor as ollama } from './ollama/descriptor.ts';
import { descriptor as openai } from './openai/descriptor.ts';
import { descriptor as openrouter } from './openrouter/descriptor.ts';
import { descriptor as perplexity } from './perplexity/descriptor.ts';
import { descriptor as sambanova } from './sambanova/descriptor.ts';
import { descriptor as togetherAi } from './together_ai/descriptor.ts';
import { descriptor as xai } from './xai/descriptor.ts';

export const CATALOG: readonly ProviderDescriptor[] = [
  openai,
  azure,
  anthropic,
  gemini,
  groq,
  togetherAi,
  deepseek,
  mistral,
  openrouter,
  fireworksAi,
  xai,
  perplexity,
  deepinfra,
  cerebras,
  nvidiaNim,
  sambanova,
  nebius,
  lmStudio,
  hostedVllm,
  ollama,
  mock,
];

/** The prefixes a deployment can be known by: a provider's name, then its aliases. */
export const prefixesOf = (d: ProviderDescriptor): readonly string[] => [d.name, ...(d.aliases ?? [])];

const BY_PREFIX: ReadonlyMap<string, ProviderDescriptor> = new Map(
  CATALOG.flatMap((d) => [...prefixesOf(d), ...(d.readAs ?? [])].map((prefix) => [prefix, d] as const)),
);

/** Every prefix a deployment can name, in catalog order (aliases after their provider). */
export const SUPPORTED_PREFIXES: readonly string[] = CATALOG.flatMap(prefixesOf);

/** The descriptor for a prefix: a provider's name, an alias or a prefix read as the name. */
export function descriptorFor(prefix: string): ProviderDescriptor | undefined {
  return BY_PREFIX.get(prefix);
}

/**
 * The provider a deployment written with `prefix` has: the prefix itself, or the provider's name for a
 * prefix read as it (`text-completion-openai` is `openai`). Undefined for prefixes not in the catalog.
 */
export function providerOf(prefix: string): string | undefined {
  const d = BY_PREFIX.get(prefix);
  if (d === undefined) return undefined;
  return d.readAs?.includes(prefix) ? d.name : prefix;
}

/** LiteLLM's other provider prefixes: real providers, just not implemented here yet. */
const LITELLM_PREFIXES: ReadonlySet<string> = new Set(
  `
  azure_ai azure_text anthropic anthropic_text gemini vertex_ai vertex_ai_beta palm ollama
  ollama_chat bedrock sagemaker sagemaker_chat groq together_ai deepseek mistral codestral
  text-completion-codestral openrouter hosted_vllm vllm huggingface cohere cohere_chat replicate
  perplexity fireworks_ai anyscale deepinfra xai cerebras sambanova nvidia_nim watsonx watsonx_text
  databricks cloudflare ai21 ai21_chat nlp_cloud aleph_alpha predibase triton clarifai baseten
  dashscope moonshot volcengine hyperbolic novita nebius featherless_ai nscale infinity voyage
  jina_ai friendliai github github_copilot litellm_proxy lm_studio llamafile custom_openai
  openai_like meta_llama datarobot snowflake lambda_ai oci ovhcloud v0 vercel_ai_gateway wandb
  elevenlabs assemblyai
  `
    .split(/\s+/)
    .filter((name) => name !== ''),
);

/** True for a LiteLLM provider prefix that the catalog has no provider for (yet). */
export function isKnownUnsupported(prefix: string): boolean {
  return LITELLM_PREFIXES.has(prefix) && !BY_PREFIX.has(prefix);
}
