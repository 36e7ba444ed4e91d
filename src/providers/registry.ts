/**
 * Provider prefix → adapter, for every prefix in the catalog. A plain OpenAI-compatible host is built
 * here from its descriptor alone; a provider with behaviour of its own is built by its folder's code,
 * listed below. Adding an OpenAI-compatible host therefore touches only its folder and the catalog.
 */
import { anthropicProvider } from './anthropic/index.ts';
import { azureProvider } from './azure/index.ts';
import { CATALOG, prefixesOf } from './catalog.ts';
import type { ProviderDescriptor } from './descriptor.ts';
import { geminiProvider } from './gemini/index.ts';
import { mockProvider } from './mock/provider.ts';
import { ollamaProvider } from './ollama/index.ts';
import { openAiProvider } from './openai/index.ts';
import { createOpenAiCompatible } from './openai-compatible/provider.ts';
import type { Provider } from './spec.ts';

/** Adapters with behaviour of their own (`adapter: 'own'`), by catalog name; each gets the prefix as written. */
const OWN_ADAPTERS: Readonly<Record<string, (prefix: string) => Provider>> = {
  openai: () => openAiProvider,
  azure: () => azureProvider,
  anthropic: () => anthropicProvider,
  gemini: () => geminiProvider,
  ollama: ollamaProvider,
  mock: () => mockProvider,
};

function adapterFor(descriptor: ProviderDescriptor, prefix: string): Provider {
  if (descriptor.adapter === 'openai-compatible')
    return createOpenAiCompatible({
      name: prefix,
      system: descriptor.telemetry?.system,
      defaultApiBase: descriptor.defaultApiBase,
      rerank: descriptor.rerank,
    });
  const build = OWN_ADAPTERS[descriptor.name];
  // A catalog entry without its adapter would fail on its first request; fail at start instead.
  if (build === undefined) throw new Error(`providers/registry.ts has no adapter for "${descriptor.name}"`);
  return build(prefix);
}

const PROVIDERS: ReadonlyMap<string, Provider> = new Map(
  CATALOG.flatMap((d) => prefixesOf(d).map((prefix) => [prefix, adapterFor(d, prefix)] as const)),
);

export function getProvider(name: string): Provider | undefined {
  return PROVIDERS.get(name);
}

export const providerNames = (): string[] => [...PROVIDERS.keys()];
