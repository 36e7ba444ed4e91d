/** SambaNova Cloud's OpenAI-compatible API. */
import type { ProviderDescriptor } from '../descriptor.ts';

export const descriptor = {
  name: 'sambanova',
  adapter: 'openai-compatible',
  params: 'openai',
  defaultApiBase: 'https://api.sambanova.ai/v1',
  env: { key: ['SAMBANOVA_API_KEY'], base: ['SAMBANOVA_API_BASE'] },
  keyExpected: true,
} satisfies ProviderDescriptor;
