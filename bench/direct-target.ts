// The baseline: load straight at the mock, same path and body as through a gateway.
// Every gateway number is reported relative to this one, measured in the same session.
import { chatBody, JSON_HEADERS } from './endpoint.ts';
import type { BenchContext, RunningTarget, TargetSpec, Upstream } from './target-types.ts';

export const directTarget: TargetSpec = {
  name: 'direct',
  start: async (ctx: BenchContext): Promise<RunningTarget> => {
    const mockFor = (upstream: Upstream) => {
      const mock = ctx.mocks[upstream];
      if (!mock) throw new Error(`no ${upstream} mock running`);
      return mock;
    };
    return {
      name: 'direct',
      pid: mockFor('fast').pid,
      route: (upstream, stream) => {
        const mock = mockFor(upstream);
        return {
          pid: mock.pid,
          endpoint: {
            origin: `http://127.0.0.1:${mock.port}`,
            path: '/v1/chat/completions',
            headers: JSON_HEADERS,
            body: chatBody('bench', stream),
          },
        };
      },
      // The mocks belong to the session, not to this target.
      stop: async () => {},
    };
  },
};
