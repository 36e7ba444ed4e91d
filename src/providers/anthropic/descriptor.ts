/** Anthropic's Messages API, translated from and to OpenAI's chat (index.ts). */
import type { ProviderDescriptor } from '../descriptor.ts';

export const descriptor = {
  name: 'anthropic',
  adapter: 'own',
  params: 'own',
  defaultApiBase: 'https://api.anthropic.com',
  env: { key: ['ANTHROPIC_API_KEY'], base: ['ANTHROPIC_API_BASE', 'ANTHROPIC_BASE_URL'] },
  keyExpected: true,
  priceProvider: 'anthropic',
  telemetry: { system: 'anthropic' },
} satisfies ProviderDescriptor;
