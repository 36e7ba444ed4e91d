/** Groq's OpenAI-compatible API. */
import type { ProviderDescriptor } from '../descriptor.ts';

export const descriptor = {
  name: 'groq',
  adapter: 'openai-compatible',
  params: 'openai',
  defaultApiBase: 'https://api.groq.com/openai/v1',
  env: { key: ['GROQ_API_KEY'] },
  keyExpected: true,
} satisfies ProviderDescriptor;
