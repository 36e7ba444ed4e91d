/** OpenRouter: many vendors' models behind one OpenAI-compatible API. */
import type { ProviderDescriptor } from '../descriptor.ts';

export const descriptor = {
  name: 'openrouter',
  adapter: 'openai-compatible',
  params: 'openai',
  defaultApiBase: 'https://openrouter.ai/api/v1',
  env: { key: ['OPENROUTER_API_KEY'] },
  keyExpected: true,
} satisfies ProviderDescriptor;
