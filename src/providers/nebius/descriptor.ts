/** Nebius AI Studio's OpenAI-compatible API. */
import type { ProviderDescriptor } from '../descriptor.ts';

export const descriptor = {
  name: 'nebius',
  adapter: 'openai-compatible',
  params: 'openai',
  defaultApiBase: 'https://api.studio.nebius.ai/v1',
  env: { key: ['NEBIUS_API_KEY'], base: ['NEBIUS_API_BASE'] },
  keyExpected: true,
} satisfies ProviderDescriptor;
