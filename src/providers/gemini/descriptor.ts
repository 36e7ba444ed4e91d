/** Google's Gemini API (ai.google.dev), translated from and to OpenAI's (index.ts). */
import type { ProviderDescriptor } from '../descriptor.ts';

export const descriptor = {
  name: 'gemini',
  adapter: 'own',
  params: 'own',
  defaultApiBase: 'https://generativelanguage.googleapis.com',
  env: { key: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'], base: ['GEMINI_API_BASE'] },
  keyExpected: true,
  priceProvider: 'google',
  // OpenInference calls Google's models `vertexai` / `google`; GenAI names the Gemini API itself.
  telemetry: { system: 'vertexai', llmProvider: 'google', genAiProvider: 'gcp.gemini' },
} satisfies ProviderDescriptor;
