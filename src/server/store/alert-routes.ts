/**
 * Alerts over HTTP, at OpenObserve's paths where it has them: rules at /api/v2/{org}/alerts,
 * webhook destinations at /api/{org}/alerts/destinations, and the history of firings and recoveries.
 * Same keys as the store's API; destination header values and the secret parts of URLs are never sent
 * back (destination-mask.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { UnreadableDestination } from '../../alerts/alert-db.ts';
import type { Alerts } from '../../alerts/alerts.ts';
import { maskDestination, withStoredSecrets } from '../../alerts/destination-mask.ts';
import { destinationSchema, ruleSchema } from '../../alerts/rule.ts';
import { createStoreAuthHook, type StoreAuthOptions } from './store-auth.ts';
import { sendStoreError, storeErrorOf } from './store-errors.ts';

export const ALERT_ROUTES: ReadonlySet<string> = new Set([
  '/api/v2/:org/alerts',
  '/api/v2/:org/alerts/:name',
  '/api/v2/:org/alerts/:name/evaluate',
  '/api/:org/alerts/destinations',
  '/api/:org/alerts/destinations/:name',
  '/api/:org/alerts/history',
]);

type Req = FastifyRequest<{ Params: { org: string; name?: string }; Body: Buffer | undefined }>;

export function registerAlertRoutes(app: FastifyInstance, alerts: Alerts, auth: StoreAuthOptions): void {
  const db = alerts.db;
  app.register(async function alertApi(scope) {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 1024 * 1024 }, (_req, body, done) =>
      done(null, body),
    );
    scope.setErrorHandler((err: unknown, request: FastifyRequest, reply: FastifyReply) => {
      const { status, message } = storeErrorOf(err, 1024 * 1024);
      if (status === 500) request.log.error({ err }, 'alerts error');
      return sendStoreError(reply, status, message);
    });
    scope.addHook('onRequest', createStoreAuthHook(auth));

    scope.get('/api/v2/:org/alerts', async (request: Req) => ({ list: db.rules(request.params.org) }));
    scope.post('/api/v2/:org/alerts', async (request: Req, reply) => {
      const rule = parse(ruleSchema, request.body, reply);
      if (!rule) return reply;
      if (db.rule(request.params.org, rule.name))
        return sendStoreError(reply, 409, `Alert ${rule.name} already exists`);
      db.saveRule(request.params.org, rule);
      return reply.code(200).send(rule);
    });
    scope.get('/api/v2/:org/alerts/:name', async (request: Req, reply) => {
      const rule = db.rule(request.params.org, request.params.name ?? '');
      return rule ?? sendStoreError(reply, 404, `No alert named ${request.params.name}`);
    });
    scope.put('/api/v2/:org/alerts/:name', async (request: Req, reply) => {
      const rule = parse(ruleSchema, request.body, reply, { name: request.params.name });
      if (!rule) return reply;
      db.saveRule(request.params.org, rule);
      return rule;
    });
    scope.delete('/api/v2/:org/alerts/:name', async (request: Req, reply) =>
      db.deleteRule(request.params.org, request.params.name ?? '')
        ? { deleted: request.params.name }
        : sendStoreError(reply, 404, `No alert named ${request.params.name}`),
    );
    scope.post('/api/v2/:org/alerts/:name/evaluate', async (request: Req, reply) => {
      const rule = db.rule(request.params.org, request.params.name ?? '');
      if (!rule) return sendStoreError(reply, 404, `No alert named ${request.params.name}`);
      return { firing: await alerts.evaluate(request.params.org, rule) };
    });

    const readable = (org: string, name: string) => {
      try {
        return db.destination(org, name);
      } catch (err) {
        if (err instanceof UnreadableDestination) return err;
        throw err;
      }
    };
    scope.get('/api/:org/alerts/destinations', async (request: Req) => ({
      list: db.destinations(request.params.org).map(maskDestination),
    }));
    scope.get('/api/:org/alerts/destinations/:name', async (request: Req, reply) => {
      const destination = readable(request.params.org, request.params.name ?? '');
      if (destination instanceof UnreadableDestination)
        return sendStoreError(reply, 409, destination.message);
      return destination
        ? maskDestination(destination)
        : sendStoreError(reply, 404, `No destination named ${request.params.name}`);
    });
    // POST creates or replaces (as it always has), PUT replaces: both keep the stored secrets that come
    // back masked.
    const save = async (request: Req, reply: FastifyReply) => {
      const overrides = request.params.name === undefined ? {} : { name: request.params.name };
      const parsed = parse(destinationSchema, request.body, reply, overrides);
      if (!parsed) return reply;
      // One sealed with a lost key can be replaced, but has no secrets to keep.
      const stored = readable(request.params.org, parsed.name);
      const destination = withStoredSecrets(
        parsed,
        stored instanceof UnreadableDestination ? undefined : stored,
      );
      if ('invalid' in destination)
        return sendStoreError(reply, 400, `Invalid alert: ${destination.invalid}`);
      const refusal = alerts.refusal(destination.url);
      if (refusal) return sendStoreError(reply, 400, `Invalid alert: url: ${refusal}`);
      db.saveDestination(request.params.org, destination);
      return { name: destination.name };
    };
    scope.post('/api/:org/alerts/destinations', save);
    scope.put('/api/:org/alerts/destinations/:name', save);
    scope.delete('/api/:org/alerts/destinations/:name', async (request: Req, reply) =>
      db.deleteDestination(request.params.org, request.params.name ?? '')
        ? { deleted: request.params.name }
        : sendStoreError(reply, 404, `No destination named ${request.params.name}`),
    );
    scope.get('/api/:org/alerts/history', async (request: Req) => ({ list: db.history(request.params.org) }));
  });
}

/** The body as JSON, checked against the schema; answers 400 naming the field when it does not fit. */
function parse<T extends z.ZodType>(
  schema: T,
  body: Buffer | undefined,
  reply: FastifyReply,
  overrides: Record<string, unknown> = {},
): z.infer<T> | undefined {
  let json: unknown;
  try {
    json = JSON.parse((body ?? Buffer.alloc(0)).toString('utf8'));
  } catch (err) {
    sendStoreError(reply, 400, `Invalid json: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
  const result = schema.safeParse(
    typeof json === 'object' && json !== null ? { ...json, ...overrides } : json,
  );
  if (!result.success) {
    const issue = result.error.issues[0];
    sendStoreError(
      reply,
      400,
      `Invalid alert: ${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`,
    );
    return undefined;
  }
  return result.data;
}
