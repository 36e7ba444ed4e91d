/** Together AI's OpenAI-compatible API. */
import type { ProviderDescriptor } from '../descriptor.ts';

export const descriptor = {
  name: 'together_ai',
  adapter: 'openai-compatible',
  params: 'openai',
  rerank: true,
  defaultApiBase: 'https://api.together.xyz/v1',
  env: { key: ['TOGETHERAI_API_KEY', 'TOGETHER_API_KEY'] },
  keyExpected: true,
} satisfies ProviderDescriptor;
