/** Which provider a LiteLLM model string names: `openai/gpt-4o-mini`, `mock/demo`, bare `gpt-4o-mini`. */

/**
 * Providers Tollgate can call. Keep in step with `providers/registry.ts` (config must not import
 * providers: the arrows point from config towards providers, never back).
 */
export const SUPPORTED_PROVIDERS: readonly string[] = [
  'openai',
  'azure',
  'anthropic',
  'gemini',
  // OpenAI-compatible hosts (providers/openai-hosts.ts).
  'groq',
  'together_ai',
  'deepseek',
  'mistral',
  'openrouter',
  'fireworks_ai',
  'xai',
  'perplexity',
  'deepinfra',
  'cerebras',
  'lm_studio',
  'hosted_vllm',
  'vllm',
  'ollama',
  'ollama_chat',
  'mock',
];

/** LiteLLM prefixes that mean the same API as a supported provider. */
const SAME_AS: Readonly<Record<string, string>> = {
  'text-completion-openai': 'openai',
};

/** LiteLLM's other provider prefixes: real providers, just not implemented here yet. */
const KNOWN_PROVIDERS: ReadonlySet<string> = new Set(
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
    .filter((name) => name !== '' && !SUPPORTED_PROVIDERS.includes(name)),
);

export type ModelRef = { ok: true; provider: string; model: string } | { ok: false; reason: string };

/**
 * Splits a LiteLLM model string at its first `/` (the rest may contain more: `openai/org/model`).
 * A bare name is OpenAI's, as in LiteLLM. `customProvider` is `litellm_params.custom_llm_provider`.
 */
export function parseModelString(litellmModel: string, customProvider?: string): ModelRef {
  const slash = litellmModel.indexOf('/');
  const prefix = slash === -1 ? undefined : litellmModel.slice(0, slash);
  const written = customProvider ?? prefix ?? 'openai';
  // With custom_llm_provider the whole string is the model id, unless it repeats the provider prefix.
  const model = prefix !== undefined && prefix === written ? litellmModel.slice(slash + 1) : litellmModel;
  const provider = SAME_AS[written] ?? written;
  const supported = `(supported: ${SUPPORTED_PROVIDERS.join(', ')})`;
  if (!SUPPORTED_PROVIDERS.includes(provider)) {
    if (KNOWN_PROVIDERS.has(provider))
      return { ok: false, reason: `provider "${provider}" is not supported yet ${supported}` };
    return {
      ok: false,
      reason:
        `provider "${provider}" is not known ${supported}; for an OpenAI-compatible server, ` +
        `write "openai/${litellmModel}" and set api_base`,
    };
  }
  if (model === '') return { ok: false, reason: `no model id after "${written}/"` };
  return { ok: true, provider, model };
}
