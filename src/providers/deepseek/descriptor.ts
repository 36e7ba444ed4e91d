/** DeepSeek's OpenAI-compatible API. */
import type { ProviderDescriptor } from '../descriptor.ts';

export const descriptor = {
  name: 'deepseek',
  adapter: 'openai-compatible',
  params: 'openai',
  defaultApiBase: 'https://api.deepseek.com/v1',
  env: { key: ['DEEPSEEK_API_KEY'] },
  keyExpected: true,
} satisfies ProviderDescriptor;
