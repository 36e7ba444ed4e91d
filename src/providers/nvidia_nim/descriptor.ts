/** NVIDIA NIM: NVIDIA's hosted catalogue (build.nvidia.com), or a self-hosted NIM at api_base. */
import type { ProviderDescriptor } from '../descriptor.ts';

export const descriptor = {
  name: 'nvidia_nim',
  adapter: 'openai-compatible',
  params: 'openai',
  defaultApiBase: 'https://integrate.api.nvidia.com/v1',
  env: { key: ['NVIDIA_NIM_API_KEY'], base: ['NVIDIA_NIM_API_BASE'] },
  keyExpected: true,
} satisfies ProviderDescriptor;
