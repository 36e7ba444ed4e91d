/** Ollama serves OpenAI's API under `/v1` of its own address; configs write the address without it. */
import { createOpenAiCompatible } from '../openai-compatible/provider.ts';
import type { Provider } from '../spec.ts';
import { descriptor } from './descriptor.ts';

/** The adapter for one of Ollama's prefixes (`ollama`, `ollama_chat`), named as the config wrote it. */
export const ollamaProvider = (name: string): Provider =>
  createOpenAiCompatible({
    name,
    defaultApiBase: descriptor.defaultApiBase,
    url: (base, path) => `${base.replace(/\/v1$/, '')}/v1${path}`,
  });
