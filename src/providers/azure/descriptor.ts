/** Azure OpenAI: every resource has its own address, so a deployment must name it. */
import type { ProviderDescriptor } from '../descriptor.ts';

export const descriptor = {
  name: 'azure',
  adapter: 'own',
  params: 'openai',
  apiBaseRequired: { example: 'https://<resource>.openai.azure.com' },
  env: { key: ['AZURE_API_KEY'], base: ['AZURE_API_BASE'], version: ['AZURE_API_VERSION'] },
  keyExpected: true,
  priceProvider: 'azure',
  telemetry: { genAiProvider: 'azure.ai.openai' },
} satisfies ProviderDescriptor;
