/** Perplexity's OpenAI-compatible API (no /v1 in its address). */
import type { ProviderDescriptor } from '../descriptor.ts';

export const descriptor = {
  name: 'perplexity',
  adapter: 'openai-compatible',
  params: 'openai',
  defaultApiBase: 'https://api.perplexity.ai',
  env: { key: ['PERPLEXITYAI_API_KEY', 'PERPLEXITY_API_KEY'] },
  keyExpected: true,
} satisfies ProviderDescriptor;
