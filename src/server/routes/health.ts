/** Liveness and readiness probes (no key needed) and `/health`, which calls every model (key needed). */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { checkHealth } from '../../gateway/health.ts';
import type { ModelRegistry } from '../../gateway/model-registry.ts';
import type { ExportState } from '../../shared/export-state.ts';

export interface HealthOptions {
  version: string;
  /**
   * Where spans are exported and whether that works, reported in readiness but never failing it: a
   * gateway keeps serving models while its trace backend is down.
   */
  exportState?: () => ExportState;
  /** Resolves when the accounts database answers (virtual keys); unset without one. */
  pingDb?: () => Promise<unknown>;
}

/** A database checked at most this often by the probes, however often they come. */
const DB_CHECK_MS = 10_000;
const DB_TIMEOUT_MS = 2_000;

export function registerHealthRoutes(
  app: FastifyInstance,
  registry: ModelRegistry,
  options: HealthOptions,
): void {
  const { version, exportState } = options;
  // LiteLLM answers with this exact JSON string; probes written against it compare the body.
  const alive = async (_request: FastifyRequest, reply: FastifyReply) =>
    reply.type('application/json').send(JSON.stringify("I'm alive!"));
  app.get('/health/liveliness', alive);
  app.get('/health/liveness', alive);
  const db = options.pingDb ? dbStatus(options.pingDb) : undefined;
  app.get('/health/readiness', async () => {
    const checked = await db?.();
    // LiteLLM's fields (its `status` stays "healthy": a database that is down does not stop the models).
    return {
      status: 'healthy',
      db: checked?.db ?? 'Not connected',
      cache: null,
      litellm_version: version,
      success_callbacks: exportState ? ['otel'] : [],
      ...(checked ? { last_updated: checked.last_updated } : {}),
      version,
      ...(exportState ? { trace_export: exportState() } : {}),
    };
  });
  app.get('/health', async (request) => {
    // `?model=` checks one model group's deployments, as LiteLLM's does.
    const model = (request.query as { model?: unknown } | undefined)?.model;
    const deployments = registry.deployments();
    return checkHealth(
      typeof model === 'string' ? deployments.filter((d) => d.modelName === model) : deployments,
    );
  });
}

/** The database's state, checked again when the last check is older than DB_CHECK_MS. */
function dbStatus(ping: () => Promise<unknown>): () => Promise<{ db: string; last_updated: string }> {
  let last: { db: string; last_updated: string; at: number } | undefined;
  let checking: Promise<void> | undefined;
  const check = async () => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error('timed out')), DB_TIMEOUT_MS);
    });
    const ok = await Promise.race([ping(), timeout]).then(
      () => true,
      () => false,
    );
    clearTimeout(timer);
    last = { db: ok ? 'connected' : 'disconnected', last_updated: new Date().toISOString(), at: Date.now() };
  };
  return async () => {
    if (last === undefined || Date.now() - last.at > DB_CHECK_MS) {
      checking ??= check().finally(() => {
        checking = undefined;
      });
      await checking;
    }
    const { db, last_updated } = last ?? { db: 'disconnected', last_updated: new Date().toISOString() };
    return { db, last_updated };
  };
}
