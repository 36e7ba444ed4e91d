/** xAI's (Grok's) OpenAI-compatible API. */
import type { ProviderDescriptor } from '../descriptor.ts';

export const descriptor = {
  name: 'xai',
  adapter: 'openai-compatible',
  params: 'openai',
  defaultApiBase: 'https://api.x.ai/v1',
  env: { key: ['XAI_API_KEY'] },
  keyExpected: true,
} satisfies ProviderDescriptor;
