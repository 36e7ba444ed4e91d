/** DeepInfra's OpenAI-compatible API, under /v1/openai. */
import type { ProviderDescriptor } from '../descriptor.ts';

export const descriptor = {
  name: 'deepinfra',
  adapter: 'openai-compatible',
  params: 'openai',
  defaultApiBase: 'https://api.deepinfra.com/v1/openai',
  env: { key: ['DEEPINFRA_API_KEY'] },
  keyExpected: true,
} satisfies ProviderDescriptor;
