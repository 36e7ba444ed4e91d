/** OpenAI itself. */
import type { ProviderDescriptor } from '../descriptor.ts';

export const descriptor = {
  name: 'openai',
  // LiteLLM's prefix for OpenAI's completions endpoint: the same API and key.
  readAs: ['text-completion-openai'],
  adapter: 'own',
  params: 'openai',
  defaultApiBase: 'https://api.openai.com/v1',
  // OPENAI_BASE_URL is the openai SDK's name, so it comes first.
  env: { key: ['OPENAI_API_KEY'], base: ['OPENAI_BASE_URL', 'OPENAI_API_BASE'] },
  keyExpected: true,
  priceProvider: 'openai',
} satisfies ProviderDescriptor;
