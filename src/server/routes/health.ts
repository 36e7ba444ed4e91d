/** Liveness and readiness probes (no key needed) and `/health`, which calls every model (key needed). */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { checkHealth } from '../../gateway/health.ts';
import type { ModelRegistry } from '../../gateway/model-registry.ts';

export function registerHealthRoutes(app: FastifyInstance, registry: ModelRegistry, version: string): void {
  // LiteLLM answers with this exact JSON string; probes written against it compare the body.
  const alive = async (_request: FastifyRequest, reply: FastifyReply) =>
    reply.type('application/json').send(JSON.stringify("I'm alive!"));
  app.get('/health/liveliness', alive);
  app.get('/health/liveness', alive);
  app.get('/health/readiness', async () => ({
    status: 'healthy',
    db: 'Not connected',
    cache: null,
    version,
  }));
  app.get('/health', async () => checkHealth(registry.deployments()));
}
