/** Provider name (the `provider/` prefix of a model string) → adapter. Adding a provider is one line. */
import { anthropicProvider } from './anthropic/index.ts';
import { azureProvider } from './azure/index.ts';
import { geminiProvider } from './gemini/index.ts';
import { mockProvider } from './mock/provider.ts';
import { openAiProvider } from './openai/index.ts';
import { OPENAI_HOSTS } from './openai-hosts.ts';
import type { Provider } from './spec.ts';

const PROVIDERS: ReadonlyMap<string, Provider> = new Map([
  ['openai', openAiProvider],
  ['azure', azureProvider],
  ['anthropic', anthropicProvider],
  ['gemini', geminiProvider],
  ...OPENAI_HOSTS,
  ['mock', mockProvider],
]);

export function getProvider(name: string): Provider | undefined {
  return PROVIDERS.get(name);
}

export const providerNames = (): string[] => [...PROVIDERS.keys()];
