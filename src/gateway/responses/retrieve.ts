/**
 * `GET`/`DELETE /v1/responses/{id}` (and its input items) for a response an upstream made and keeps:
 * asked of the deployment that made it, whose answer the client gets as it is.
 */
import type { GatewayConfig } from '../../config/types.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { getProvider } from '../../providers/registry.ts';
import type { JsonSuccess } from '../../providers/spec.ts';
import type { ModelRegistry } from '../model-registry.ts';
import type { StoredResponse } from './store.ts';

export async function retrieveUpstream(
  config: GatewayConfig,
  registry: ModelRegistry,
  entry: StoredResponse,
  method: 'GET' | 'DELETE',
  path: string,
  signal: AbortSignal,
): Promise<JsonSuccess> {
  const deployment =
    entry.group === undefined
      ? undefined
      : registry.find(entry.group)?.deployments.find((d) => d.id === entry.deploymentId);
  const provider = deployment === undefined ? undefined : getProvider(deployment.provider);
  if (deployment === undefined || provider?.retrieve === undefined)
    throw new GatewayError(
      `Response ${entry.id} was made by a deployment this gateway no longer has (${entry.deploymentId ?? 'unknown'})`,
      { status: 404, type: 'invalid_request_error', code: 'response_not_found' },
    );
  const ctx = { deployment, signal, timeoutMs: deployment.timeoutMs ?? config.requestTimeoutMs };
  const result = await provider.retrieve(method, path, ctx);
  if (!result.ok) throw result.error;
  return result;
}
