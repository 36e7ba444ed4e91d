/**
 * `GET /routes`: every route the app serves, in LiteLLM's shape (`{routes: [{path, methods, name,
 * endpoint}]}`). Open without a key, as LiteLLM's: it lists paths, nothing about keys or models.
 */
import type { FastifyInstance } from 'fastify';

export const ROUTES_LIST_ROUTES = new Set(['/routes']);

interface Listed {
  path: string;
  methods: string[];
  name: string;
  endpoint: string;
}

/** Call before any route is registered: routes are collected as they are added. */
export function registerRoutesList(app: FastifyInstance): void {
  const routes = new Map<string, Listed>();
  app.addHook('onRoute', (route) => {
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).filter((m) => m !== 'HEAD');
    if (methods.length === 0) return;
    const name = route.handler.name && route.handler.name !== 'handler' ? route.handler.name : route.url;
    const listed = routes.get(route.url) ?? { path: route.url, methods: [], name, endpoint: name };
    for (const m of methods) if (!listed.methods.includes(m)) listed.methods.push(m);
    routes.set(route.url, listed);
  });
  app.get('/routes', async () => ({ routes: [...routes.values()] }));
}
