// The peer: Portkey's AI gateway (npm @portkey-ai/gateway, TypeScript on Hono), started headless as its
// README says, routed per request with `x-portkey-provider: openai` and `x-portkey-custom-host` pointing
// at the mock. Its streaming needs bench/portkey-fetch-shim.mjs under Node (see that file).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { freePort, NODE_BIN, REPO_ROOT, spawnTracked, stopChild } from './child-process.ts';
import { sleep } from './clock.ts';
import { chatBody, JSON_HEADERS } from './endpoint.ts';
import type { BenchContext, RunningTarget, TargetSpec } from './target-types.ts';

const SERVER = join(REPO_ROOT, 'node_modules', '@portkey-ai', 'gateway', 'build', 'start-server.js');
const SHIM = join(REPO_ROOT, 'bench', 'portkey-fetch-shim.mjs');

/** Whether the peer is installed (a devDependency; `npm install` brings it). */
export const portkeyAvailable = (): boolean => existsSync(SERVER);

export const portkeyTarget: TargetSpec = {
  name: 'portkey',
  start: async (ctx: BenchContext): Promise<RunningTarget> => {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const child = spawnTracked(
      NODE_BIN,
      ['--import', SHIM, SERVER, '--headless', `--port=${port}`],
      ['ignore', 'ignore', 'inherit'],
      { ...process.env, NODE_ENV: 'production' },
    );
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        const res = await request(`${origin}/`, { headersTimeout: 1000, bodyTimeout: 1000 });
        await res.body.dump();
        break;
      } catch {
        if (Date.now() > deadline || child.exitCode !== null) {
          await stopChild(child);
          throw new Error('portkey did not start');
        }
        await sleep(100);
      }
    }
    const pid = child.pid;
    if (pid === undefined) throw new Error('portkey has no pid');
    return {
      name: 'portkey',
      pid,
      route: (upstream, stream) => ({
        pid,
        endpoint: {
          origin,
          path: '/v1/chat/completions',
          headers: {
            ...JSON_HEADERS,
            'x-portkey-provider': 'openai',
            'x-portkey-custom-host': ctx.mocks[upstream]?.apiBase ?? '',
          },
          body: chatBody('bench', stream),
        },
      }),
      stop: () => stopChild(child),
    };
  },
};
