/** `GET /v1/models` and `/v1/models/{id}`: the model groups clients may call, in OpenAI's list shape. */

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GatewayError } from '../../errors/gateway-error.ts';
import { accessGroupsOf, type ModelRegistry } from '../../gateway/model-registry.ts';
import { KEYS } from '../principal.ts';

/** Whether the caller may use a model: a virtual key is shown only the models it may call. */
export type Visible = (request: FastifyRequest, model: string) => boolean;

export function registerModelRoutes(
  app: FastifyInstance,
  registry: ModelRegistry,
  visible: Visible = () => true,
): void {
  const created = Math.floor(Date.now() / 1000);
  const entry = (id: string) => ({ id, object: 'model', created, owned_by: ownerOf(registry, id) });
  const list = (request: FastifyRequest) => ({
    object: 'list',
    // LiteLLM's `only_model_access_groups=true`: the access groups (`model_info.access_groups`) instead.
    data: (onlyAccessGroups(request) ? accessGroupsOf(registry.deployments()) : registry.names())
      .filter((name) => visible(request, name))
      .map(entry),
  });
  app.get('/v1/models', KEYS, async (request) => list(request));
  app.get('/models', KEYS, async (request) => list(request));
  const one = async (request: FastifyRequest) => {
    const id = (request.params as { '*': string })['*'];
    if (registry.find(id) === undefined || !visible(request, id)) {
      throw new GatewayError(`The model \`${id}\` does not exist on this gateway.`, {
        status: 404,
        type: 'invalid_request_error',
        param: 'model',
        code: 'model_not_found',
      });
    }
    return entry(id);
  };
  // Wildcard: model ids may contain slashes (`openai/gpt-4o`).
  app.get('/v1/models/*', KEYS, one);
  app.get('/models/*', KEYS, one);
}

function ownerOf(registry: ModelRegistry, id: string): string {
  const provider = registry.find(id)?.deployments[0]?.provider;
  return provider === undefined || provider === 'mock' ? 'tollgate' : provider;
}

function onlyAccessGroups(request: FastifyRequest): boolean {
  const value = (request.query as Record<string, unknown> | undefined)?.only_model_access_groups;
  // Python clients write booleans as `True`.
  return typeof value === 'string' && value.toLowerCase() === 'true';
}
