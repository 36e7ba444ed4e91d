// The minimal Node pass-through, so each session shows the practical ceiling next to Tollgate instead
// of quoting a number from another day; the targets are stated relative to it.
import { NODE_BIN, spawnTracked, stopChild, waitForLine } from './child-process.ts';
import { chatBody, JSON_HEADERS } from './endpoint.ts';
import type { BenchContext, RunningTarget, TargetSpec, Upstream } from './target-types.ts';

const MODEL: Record<Upstream, string> = { fast: 'bench', slow: 'bench-slow', trickle: 'bench-trickle' };

export const passthroughTarget: TargetSpec = {
  name: 'passthrough',
  start: async (ctx: BenchContext): Promise<RunningTarget> => {
    const args = ['bench/passthrough-gateway.ts', '--port', '0'];
    for (const upstream of Object.keys(MODEL) as Upstream[]) {
      const mock = ctx.mocks[upstream];
      if (mock) args.push('--upstream', `${MODEL[upstream]}=${mock.apiBase}`);
    }
    const child = spawnTracked(NODE_BIN, args, ['ignore', 'pipe', 'inherit']);
    const port = Number((await waitForLine(child, /listening (\d+)/, 10_000))[1]);
    const pid = child.pid;
    if (pid === undefined) throw new Error('passthrough has no pid');
    return {
      name: 'passthrough',
      pid,
      route: (upstream, stream) => ({
        pid,
        endpoint: {
          origin: `http://127.0.0.1:${port}`,
          path: '/v1/chat/completions',
          headers: JSON_HEADERS,
          body: chatBody(MODEL[upstream], stream),
        },
      }),
      stop: () => stopChild(child),
    };
  },
};
