/** Fireworks AI's OpenAI-compatible inference API. */
import type { ProviderDescriptor } from '../descriptor.ts';

export const descriptor = {
  name: 'fireworks_ai',
  adapter: 'openai-compatible',
  params: 'openai',
  defaultApiBase: 'https://api.fireworks.ai/inference/v1',
  env: { key: ['FIREWORKS_AI_API_KEY', 'FIREWORKS_API_KEY'] },
  keyExpected: true,
} satisfies ProviderDescriptor;
