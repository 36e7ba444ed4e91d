/** The built-in mock: answers offline, so no key, no address and no price. */
import type { ProviderDescriptor } from '../descriptor.ts';

export const descriptor = {
  name: 'mock',
  adapter: 'own',
  params: 'openai',
  env: {},
  keyExpected: false,
  // It stands in for OpenAI, so GenAI tools see an OpenAI call.
  telemetry: { genAiProvider: 'openai' },
} satisfies ProviderDescriptor;
