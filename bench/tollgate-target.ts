// Tollgate as a child process, configured with one model per mock upstream, started the way a user
// would start it (`npm start`'s node flags and entry) and considered up once /health/liveliness answers 200. As users run
// it means a model the price table knows (so every request is priced) and a master key (so every
// request is authenticated); `tollgate-unpriced` keeps the old setup to show what those two cost.
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, NODE_BIN, REPO_ROOT, spawnTracked, stopChild, waitForLine } from './child-process.ts';
import { chatBody, JSON_HEADERS } from './endpoint.ts';
import type { BenchContext, RunningTarget, TargetSpec, Upstream } from './target-types.ts';
import { waitUntilLive } from './wait-live.ts';

const MODEL: Record<Upstream, string> = { fast: 'bench', slow: 'bench-slow', trickle: 'bench-trickle' };
/** `npm start`'s command line after `node`: its flags (the heap sizing) and its entry (bin/tollgate.js). */
function startCommand(): string[] {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  return pkg.scripts.start.split(/\s+/).slice(1);
}

/** Node flags from `npm start`, so the bench runs Tollgate exactly as users do. */
const startFlags = (): string[] => startCommand().filter((token) => token.startsWith('--'));
/**
 * `npm start`'s entry (it turns the compile cache on before the first .ts file, which saves memory);
 * overridable to bench another entry point or to test this harness with a stand-in.
 */
const ENTRY =
  process.env.TOLLGATE_BENCH_ENTRY ??
  startCommand().find((token) => !token.startsWith('--')) ??
  'src/cli/main.ts';

/** What the clients of a Tollgate target look like to it. */
interface Setup {
  /** `litellm_params.model` of every entry (the mock answers any model). */
  model: string;
  /** `general_settings.master_key`, sent by the clients as their bearer token; none: no auth. */
  masterKey?: string;
}

/** A priced model (genai-prices knows it) behind a master key: what a user's config has. */
const AS_USERS_RUN_IT: Setup = { model: 'openai/gpt-4o-mini', masterKey: 'sk-test-bench' };
/** The bench's setup before issue 15: a model no price table knows, and no master key. */
const UNPRICED: Setup = { model: 'openai/bench' };

function configYaml(ctx: BenchContext, setup: Setup): string {
  const entries = (Object.keys(MODEL) as Upstream[]).flatMap((upstream) => {
    const mock = ctx.mocks[upstream];
    if (!mock) return [];
    return [
      `  - model_name: ${MODEL[upstream]}`,
      '    litellm_params:',
      `      model: ${setup.model}`,
      `      api_base: ${mock.apiBase}`,
      '      api_key: sk-test-bench',
    ];
  });
  const general = setup.masterKey ? ['general_settings:', `  master_key: ${setup.masterKey}`] : [];
  return [...general, 'model_list:', ...entries, ''].join('\n');
}

/** The OTLP sink a traced Tollgate exports to, in its own process like the mock. */
async function startSink(): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawnTracked(NODE_BIN, ['bench/otlp-sink.ts', '--port', '0'], ['ignore', 'pipe', 'inherit']);
  const match = await waitForLine(child, /listening (\d+)/, 10_000);
  return { url: `http://127.0.0.1:${match[1]}/`, stop: () => stopChild(child) };
}

type Tracing = 'off' | 'otlp' | 'store';

interface Variant {
  /** Tracing off, every span exported to a local OTLP sink, or into the embedded store. */
  tracing: Tracing;
  optIn: boolean;
  setup?: Setup;
  extraArgs?: string[];
  /** The script to run (another checkout's, for before/after comparisons). */
  entry?: string;
  /**
   * Clients send a virtual key (made at start with the master key, with a budget, so every request
   * is looked up, budget-checked and charged) instead of the master key.
   */
  virtualKey?: boolean;
}

/** Makes the virtual key the clients of a `virtualKey` target send. */
export async function makeVirtualKey(origin: string, masterKey: string): Promise<string> {
  const response = await fetch(`${origin}/key/generate`, {
    method: 'POST',
    headers: { ...JSON_HEADERS, authorization: `Bearer ${masterKey}` },
    body: JSON.stringify({ key_alias: 'bench', max_budget: 1_000_000, metadata: { purpose: 'bench' } }),
  });
  const body = (await response.json()) as { key?: string };
  if (!response.ok || typeof body.key !== 'string')
    throw new Error(`could not make a virtual key: ${response.status} ${JSON.stringify(body)}`);
  return body.key;
}

function tollgate(name: string, variant: Variant): TargetSpec {
  const { tracing, optIn, setup = AS_USERS_RUN_IT, extraArgs = [], entry = ENTRY } = variant;
  return {
    name,
    optIn,
    start: async (ctx: BenchContext): Promise<RunningTarget> => {
      const configPath = join(ctx.workDir, `${name}.yaml`);
      writeFileSync(configPath, configYaml(ctx, setup));
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
      const key =
        variant.virtualKey && setup.masterKey
          ? await makeVirtualKey(origin, setup.masterKey)
          : setup.masterKey;
      const headers = key ? { ...JSON_HEADERS, authorization: `Bearer ${key}` } : JSON_HEADERS;
      return {
        name,
        pid,
        route: (upstream, stream) => ({
          pid,
          endpoint: {
            origin,
            path: '/v1/chat/completions',
            headers,
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

/**
 * As `npm start` runs it with no OPENOBSERVE_URL (tracing on, every span into the embedded store), for
 * a priced model behind a master key.
 */
export const tollgateTarget = tollgate('tollgate', { tracing: 'store', optIn: false });
/** Opt-in: the same without pricing or auth (an unknown model, no master key), the bench's old setup. */
export const tollgateUnpricedTarget = tollgate('tollgate-unpriced', {
  tracing: 'store',
  optIn: true,
  setup: UNPRICED,
});
/** Opt-in comparators: what the store costs (tracing off), and exporting to an OTLP sink instead. */
export const tollgateNoStoreTarget = tollgate('tollgate-nostore', { tracing: 'off', optIn: true });
export const tollgateTracedTarget = tollgate('tollgate-traced', { tracing: 'otlp', optIn: true });
/** Opt-in: as `tollgate`, but the clients send a virtual key (issue 18's ≤ 0.1 ms p50 target). */
export const tollgateVirtualKeyTarget = tollgate('tollgate-vkey', {
  tracing: 'store',
  optIn: true,
  virtualKey: true,
});
/** `--num_workers 2`: two processes on the port, one store (RSS reported for the primary only). */
export const tollgateTwoWorkersTarget = tollgate('tollgate-2w', {
  tracing: 'store',
  optIn: true,
  extraArgs: ['--num_workers', '2'],
});
/**
 * Another checkout of Tollgate (TOLLGATE_BENCH_BASELINE=<its directory>, with its own node_modules), run
 * as `tollgate` is: a change measured against the code before it, side by side in one run.
 */
export const tollgateBaselineTarget = tollgate('tollgate-baseline', {
  tracing: 'store',
  optIn: true,
  entry: join(process.env.TOLLGATE_BENCH_BASELINE ?? REPO_ROOT, 'src/cli/main.ts'),
});
