/**
 * Azure OpenAI: the OpenAI API under a resource's deployment paths —
 * `{api_base}/openai/deployments/{deployment}/chat/completions?api-version=…` — with the key in an
 * `api-key` header. The deployment name is the model part of `azure/<deployment>`.
 */
import { createOpenAiCompatible } from '../openai-compatible/provider.ts';
import { descriptor } from './descriptor.ts';

/** Azure's current GA data-plane version, used when neither `api_version` nor AZURE_API_VERSION is set. */
export const DEFAULT_AZURE_API_VERSION = '2024-10-21';

export const azureProvider = createOpenAiCompatible({
  name: descriptor.name,
  authHeaders: (apiKey) => ({ 'api-key': apiKey }),
  native: ['responses'],
  url: (base, path, deployment) => {
    // LiteLLM configs write the resource URL, sometimes with the `/openai` segment already on it.
    const resource = base.replace(/\/openai(\/v1)?$/, '');
    // The Responses API lives in Azure's v1 API, which takes the deployment as `model` in the body.
    if (path === '/responses' || path.startsWith('/responses/')) return `${resource}/openai/v1${path}`;
    const version = encodeURIComponent(deployment.apiVersion ?? DEFAULT_AZURE_API_VERSION);
    return `${resource}/openai/deployments/${encodeURIComponent(deployment.model)}${path}?api-version=${version}`;
  },
});
