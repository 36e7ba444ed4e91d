/** Mistral's OpenAI-compatible API (La Plateforme). */
import type { ProviderDescriptor } from '../descriptor.ts';

export const descriptor = {
  name: 'mistral',
  adapter: 'openai-compatible',
  params: 'openai',
  defaultApiBase: 'https://api.mistral.ai/v1',
  env: { key: ['MISTRAL_API_KEY'] },
  keyExpected: true,
} satisfies ProviderDescriptor;
