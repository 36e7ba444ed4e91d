// Tollgate as a child process, configured with one model per mock upstream, started the way a user
// would start it (src/cli/main.ts) and considered up once /health/liveliness answers 200.
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, NODE_BIN, REPO_ROOT, spawnTracked, stopChild, waitForLine } from './child-process.ts';
import { chatBody, JSON_HEADERS } from './endpoint.ts';
import type { BenchContext, RunningTarget, TargetSpec, Upstream } from './target-types.ts';
import { waitUntilLive } from './wait-live.ts';

const MODEL: Record<Upstream, string> = { fast: 'bench', slow: 'bench-slow', trickle: 'bench-trickle' };
/** Overridable to bench another entry point (bin/tollgate.js) or to test this harness with a stand-in. */
const ENTRY = process.env.TOLLGATE_BENCH_ENTRY ?? 'src/cli/main.ts';

/** Node flags from `npm start` (e.g. the heap sizing), so the bench runs Tollgate exactly as users do. */
function startFlags(): string[] {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  return pkg.scripts.start.split(/\s+/).filter((token) => token.startsWith('--'));
}

function configYaml(ctx: BenchContext): string {
  const entries = (Object.keys(MODEL) as Upstream[]).flatMap((upstream) => {
    const mock = ctx.mocks[upstream];
    if (!mock) return [];
    return [
      `  - model_name: ${MODEL[upstream]}`,
      '    litellm_params:',
      '      model: openai/bench',
      `      api_base: ${mock.apiBase}`,
      '      api_key: sk-test-bench',
    ];
  });
  return ['model_list:', ...entries, ''].join('\n');
}

/** The OTLP sink a traced Tollgate exports to, in its own process like the mock. */
async function startSink(): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawnTracked(NODE_BIN, ['bench/otlp-sink.ts', '--port', '0'], ['ignore', 'pipe', 'inherit']);
  const match = await waitForLine(child, /listening (\d+)/, 10_000);
  return { url: `http://127.0.0.1:${match[1]}/`, stop: () => stopChild(child) };
}

type Tracing = 'off' | 'otlp' | 'store';

/**
 * Tollgate with tracing off, exporting every span to a local OTLP sink, or into its embedded store;
 * `entry`: the script to run (another checkout's, for before/after comparisons).
 */
function tollgate(
  name: string,
  tracing: Tracing,
  optIn: boolean,
  extraArgs: string[] = [],
  entry = ENTRY,
): TargetSpec {
  return {
    name,
    optIn,
    start: async (ctx: BenchContext): Promise<RunningTarget> => {
      const configPath = join(ctx.workDir, `${name}.yaml`);
      writeFileSync(configPath, configYaml(ctx));
      const port = await freePort();
      const origin = `http://127.0.0.1:${port}`;
      const logPath = join(ctx.logDir, `${name}.log`);
      const sink = tracing === 'otlp' ? await startSink() : undefined;
      // Tracing is switched by the environment alone, as for users.
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        OPENOBSERVE_URL: sink?.url ?? '',
        TOLLGATE_TRACE_STORE: tracing === 'store' ? join(ctx.workDir, `${name}.db`) : 'off',
      };
      // A file, not a pipe: an unread pipe would block a chatty server mid-benchmark.
      const logFd = openSync(logPath, 'w');
      const args = [
        ...startFlags(),
        entry,
        '--config',
        configPath,
        '--port',
        String(port),
        '--host',
        '127.0.0.1',
        ...extraArgs,
      ];
      const child = spawnTracked(NODE_BIN, args, ['ignore', logFd, logFd], env);
      closeSync(logFd);
      try {
        await waitUntilLive(name, child, `${origin}/health/liveliness`, logPath);
      } catch (err) {
        await stopChild(child);
        await sink?.stop();
        throw err;
      }
      const pid = child.pid;
      if (pid === undefined) throw new Error(`${name} has no pid`);
      return {
        name,
        pid,
        route: (upstream, stream) => ({
          pid,
          endpoint: {
            origin,
            path: '/v1/chat/completions',
            headers: JSON_HEADERS,
            body: chatBody(MODEL[upstream], stream),
          },
        }),
        stop: async () => {
          await stopChild(child);
          await sink?.stop();
        },
      };
    },
  };
}

/** As `npm start` runs it with no OPENOBSERVE_URL: tracing on, every span into the embedded store. */
export const tollgateTarget = tollgate('tollgate', 'store', false);
/** Opt-in comparators: what the store costs (tracing off), and exporting to an OTLP sink instead. */
export const tollgateNoStoreTarget = tollgate('tollgate-nostore', 'off', true);
export const tollgateTracedTarget = tollgate('tollgate-traced', 'otlp', true);
/** `--num_workers 2`: two processes on the port, one store (RSS reported for the primary only). */
export const tollgateTwoWorkersTarget = tollgate('tollgate-2w', 'store', true, ['--num_workers', '2']);
/**
 * Another checkout of Tollgate (TOLLGATE_BENCH_BASELINE=<its directory>, with its own node_modules), run
 * as `tollgate` is: a change measured against the code before it, side by side in one run.
 */
export const tollgateBaselineTarget = tollgate(
  'tollgate-baseline',
  'store',
  true,
  [],
  join(process.env.TOLLGATE_BENCH_BASELINE ?? REPO_ROOT, 'src/cli/main.ts'),
);
