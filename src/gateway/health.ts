/**
 * Model health, as LiteLLM's `/health` reports it: one tiny real call per deployment, split into
 * healthy and unhealthy endpoints. Used by `GET /health` and `tollgate --health`.
 */
import type { Deployment } from '../config/types.ts';
import { getProvider } from '../providers/registry.ts';
import type { Provider } from '../providers/spec.ts';
import type { JsonObject } from '../shared/json.ts';

const HEALTH_TIMEOUT_MS = 30_000;

export interface EndpointHealth {
  model: string;
  model_name: string;
  model_id: string;
  api_base?: string;
  error?: string;
}

export interface HealthReport {
  healthy_endpoints: EndpointHealth[];
  unhealthy_endpoints: EndpointHealth[];
  healthy_count: number;
  unhealthy_count: number;
}

export async function checkHealth(deployments: Deployment[], signal?: AbortSignal): Promise<HealthReport> {
  // A wildcard entry (`model: openai/*`) names no model to call; its expansions are checked by use.
  const callable = deployments.filter((d) => !d.model.includes('*'));
  const results = await Promise.all(callable.map((d) => checkOne(d, signal)));
  const healthy = results.filter((r) => r.error === undefined);
  const unhealthy = results.filter((r) => r.error !== undefined);
  return {
    healthy_endpoints: healthy,
    unhealthy_endpoints: unhealthy,
    healthy_count: healthy.length,
    unhealthy_count: unhealthy.length,
  };
}

async function checkOne(deployment: Deployment, parent?: AbortSignal): Promise<EndpointHealth> {
  const base = { model: deployment.litellmModel, model_name: deployment.modelName, model_id: deployment.id };
  const provider = getProvider(deployment.provider) ?? mockProvider();
  const timeout = AbortSignal.timeout(Math.min(deployment.timeoutMs ?? HEALTH_TIMEOUT_MS, HEALTH_TIMEOUT_MS));
  const signal = parent ? AbortSignal.any([parent, timeout]) : timeout;
  const ctx = { deployment, signal, timeoutMs: HEALTH_TIMEOUT_MS };
  const embedding = deployment.modelInfo.mode === 'embedding';
  const body: JsonObject = embedding
    ? { model: deployment.model, input: 'health check' }
    : { model: deployment.model, messages: [{ role: 'user', content: 'ping' }], max_tokens: 1 };
  const result = await provider.call(embedding ? 'embeddings' : 'chat', body, ctx);
  if (result.ok) return { ...base, api_base: result.apiBase };
  return { ...base, api_base: result.apiBase, error: `${result.error.status}: ${result.error.message}` };
}

/** The demo provider stands in for one that is not available, so a check still says something. */
function mockProvider(): Provider {
  const mock = getProvider('mock');
  if (mock === undefined) throw new Error('the mock provider is not registered');
  return mock;
}
