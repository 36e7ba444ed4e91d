/**
 * Hosts that speak OpenAI's API under their own LiteLLM prefix: each is the OpenAI-compatible base with
 * its own default `api_base` (and the model part of `<prefix>/<model>` as the model). An `api_base` in
 * config.yaml always wins; hosts without a public endpoint (vLLM) need one.
 */
import { createOpenAiCompatible } from './openai-compatible/provider.ts';
import type { Provider } from './spec.ts';

const HOSTS: Readonly<Record<string, string | undefined>> = {
  groq: 'https://api.groq.com/openai/v1',
  together_ai: 'https://api.together.xyz/v1',
  deepseek: 'https://api.deepseek.com/v1',
  mistral: 'https://api.mistral.ai/v1',
  openrouter: 'https://openrouter.ai/api/v1',
  fireworks_ai: 'https://api.fireworks.ai/inference/v1',
  xai: 'https://api.x.ai/v1',
  perplexity: 'https://api.perplexity.ai',
  deepinfra: 'https://api.deepinfra.com/v1/openai',
  cerebras: 'https://api.cerebras.ai/v1',
  lm_studio: 'http://localhost:1234/v1',
  hosted_vllm: undefined,
  vllm: undefined,
};

/** Ollama serves the OpenAI API under `/v1` of its own address (default localhost:11434). */
const ollama = (name: string) =>
  createOpenAiCompatible({
    name,
    defaultApiBase: 'http://localhost:11434',
    url: (base, path) => `${base.replace(/\/v1$/, '')}/v1${path}`,
  });

export const OPENAI_HOSTS: ReadonlyArray<[string, Provider]> = [
  ...Object.entries(HOSTS).map(
    ([name, defaultApiBase]) =>
      [name, createOpenAiCompatible({ name, defaultApiBase })] as [string, Provider],
  ),
  ['ollama', ollama('ollama')],
  ['ollama_chat', ollama('ollama_chat')],
];
