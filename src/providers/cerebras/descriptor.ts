/** Cerebras' OpenAI-compatible API. */
import type { ProviderDescriptor } from '../descriptor.ts';

export const descriptor = {
  name: 'cerebras',
  adapter: 'openai-compatible',
  params: 'openai',
  defaultApiBase: 'https://api.cerebras.ai/v1',
  env: { key: ['CEREBRAS_API_KEY'] },
  keyExpected: true,
} satisfies ProviderDescriptor;
