/**
 * The web UI at /ui/: the Vite build in ui/dist, served as static files. The pages hold no data; they
 * read the store's API (or the remote OpenObserve's, forwarded), which checks the key. With neither — a
 * gateway that exports only to a plain OTLP backend — there is nothing to show.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

const DIST = fileURLToPath(new URL('../../../ui/dist/', import.meta.url));

export const UI_ROUTES: ReadonlySet<string> = new Set(['/ui', '/ui/', '/ui/*']);

/**
 * The UI shows stored prompts and answers, so a page of another site must not frame it (clickjacking),
 * inject script into it, or have its files sniffed into another type. Everything it loads is its own:
 * the built script and stylesheet, and the store's API on the same origin.
 */
export const UI_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** `searchable`: the store's search routes answer, from the embedded store or the remote OpenObserve. */
export function registerUiRoutes(app: FastifyInstance, searchable: boolean): void {
  // /ui and /ui/ are one route (the app ignores trailing slashes); pages use absolute /ui/ paths.
  const page = (status: number, text: string) => {
    const send = (_req: unknown, reply: FastifyReply) =>
      reply.code(status).headers(UI_SECURITY_HEADERS).type('text/plain; charset=utf-8').send(text);
    app.get('/ui/', send);
    app.get('/ui/*', send);
  };
  if (!searchable) {
    page(
      404,
      'The trace UI reads the embedded trace store or the OpenObserve spans are exported to, and there is neither: spans go to your OTLP backend only. Set OPENOBSERVE_URL, or start with --trace_store <file> to keep them here too.',
    );
    return;
  }
  if (!existsSync(`${DIST}index.html`)) {
    page(503, 'The trace UI is not built. Run `npm install` (or `npm start`), which builds it.');
    return;
  }
  // fastify-static skips Fastify's encapsulation, so it is scoped by a plugin that carries the prefix.
  app.register(
    async function ui(scope) {
      scope.addHook('onSend', async (_request, reply) => {
        reply.headers(UI_SECURITY_HEADERS);
      });
      await scope.register(fastifyStatic, { root: DIST, prefix: '/', index: false, maxAge: '1h' });
      // `/ui` itself (the app ignores trailing slashes, so the wildcard does not see it).
      scope.get('/', (_req, reply) => reply.sendFile('index.html', { maxAge: 0 }));
    },
    { prefix: '/ui' },
  );
}
