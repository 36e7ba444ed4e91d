/** Liveness and readiness probes (no key needed) and `/health`, which calls every model (key needed). */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { checkHealth } from '../../gateway/health.ts';
import type { ModelRegistry } from '../../gateway/model-registry.ts';
import type { ExportState } from '../../shared/export-state.ts';

/**
 * `exportState`: where spans are exported and whether that works, reported in readiness but never
 * failing it: a gateway keeps serving models while its trace backend is down.
 */
export function registerHealthRoutes(
  app: FastifyInstance,
  registry: ModelRegistry,
  version: string,
  exportState?: () => ExportState,
): void {
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
    ...(exportState ? { trace_export: exportState() } : {}),
  }));
  app.get('/health', async () => checkHealth(registry.deployments()));
}
