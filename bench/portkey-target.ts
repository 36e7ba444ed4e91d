// The peer: Portkey AI Gateway 1.15.2 (npm @portkey-ai/gateway, a devDependency), started headless
// as performance.md measured it. It has no model list: each request names the provider and the
// upstream in headers, so the route to the fast or slow mock is a pair of headers.
import { closeSync, existsSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, NODE_BIN, REPO_ROOT, spawnTracked, stopChild } from './child-process.ts';
import { chatBody, JSON_HEADERS } from './endpoint.ts';
import type { BenchContext, RunningTarget, TargetSpec, Upstream } from './target-types.ts';
import { waitUntilLive } from './wait-live.ts';

const ENTRY = join(REPO_ROOT, 'node_modules', '@portkey-ai', 'gateway', 'build', 'start-server.js');

export const portkeyTarget: TargetSpec = {
  name: 'portkey',
  start: async (ctx: BenchContext): Promise<RunningTarget> => {
    if (!existsSync(ENTRY)) throw new Error(`Portkey is not installed (${ENTRY}); run npm install`);
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const logPath = join(ctx.logDir, 'portkey.log');
    const logFd = openSync(logPath, 'w');
    // The preload makes its streams work under Node (see portkey-stream-fix.ts); `--port=N` is the
    // only form its start script parses, and --headless leaves out its log UI.
    const args = ['--import', './bench/portkey-stream-fix.ts', ENTRY, '--headless', `--port=${port}`];
    const child = spawnTracked(NODE_BIN, args, ['ignore', logFd, logFd]);
    closeSync(logFd);
    try {
      await waitUntilLive('portkey', child, `${origin}/`, logPath);
    } catch (err) {
      await stopChild(child);
      throw err;
    }
    const pid = child.pid;
    if (pid === undefined) throw new Error('portkey has no pid');
    const headersFor = (upstream: Upstream): Record<string, string> => {
      const mock = ctx.mocks[upstream];
      if (!mock) throw new Error(`no ${upstream} mock running`);
      return {
        ...JSON_HEADERS,
        'x-portkey-provider': 'openai',
        'x-portkey-custom-host': mock.apiBase,
      };
    };
    return {
      name: 'portkey',
      pid,
      route: (upstream, stream) => ({
        pid,
        endpoint: {
          origin,
          path: '/v1/chat/completions',
          headers: headersFor(upstream),
          body: chatBody('bench', stream),
        },
      }),
      stop: () => stopChild(child),
    };
  },
};
