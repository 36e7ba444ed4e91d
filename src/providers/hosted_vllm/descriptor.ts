/**
 * A vLLM server's OpenAI API. There is no public vLLM, so a deployment must name its server. LiteLLM's
 * older `vllm/` prefix ran vLLM in-process; here it means the same server.
 */
import type { ProviderDescriptor } from '../descriptor.ts';

export const descriptor = {
  name: 'hosted_vllm',
  aliases: ['vllm'],
  adapter: 'openai-compatible',
  params: 'openai',
  rerank: true,
  apiBaseRequired: {},
  env: { base: ['HOSTED_VLLM_API_BASE'] },
  keyExpected: false,
} satisfies ProviderDescriptor;
