/**
 * Ollama's OpenAI API. LiteLLM's `ollama/` and `ollama_chat/` use its native generate and chat
 * endpoints; both reach the same models through `/v1` here. The adapter (index.ts) finds `/v1` under
 * the address a config gives, which LiteLLM configs write without it.
 */
import type { ProviderDescriptor } from '../descriptor.ts';

export const descriptor = {
  name: 'ollama',
  aliases: ['ollama_chat'],
  adapter: 'own',
  params: 'openai',
  defaultApiBase: 'http://localhost:11434',
  env: { base: ['OLLAMA_API_BASE'] },
  keyExpected: false,
} satisfies ProviderDescriptor;
