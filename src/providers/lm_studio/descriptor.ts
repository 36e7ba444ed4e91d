/** LM Studio's local server: OpenAI's API on the machine it runs on, with no key. */
import type { ProviderDescriptor } from '../descriptor.ts';

export const descriptor = {
  name: 'lm_studio',
  adapter: 'openai-compatible',
  params: 'openai',
  defaultApiBase: 'http://localhost:1234/v1',
  env: { base: ['LM_STUDIO_API_BASE'] },
  keyExpected: false,
} satisfies ProviderDescriptor;
