// Tollgate as a child process, configured with one model per mock upstream, started the way a user
// would start it (src/cli/main.ts) and considered up once /health/liveliness answers 200.
import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { freePort, NODE_BIN, REPO_ROOT, spawnTracked, stopChild, waitForLine } from './child-process.ts';
import { sleep } from './clock.ts';
import { chatBody, JSON_HEADERS } from './endpoint.ts';
import type { BenchContext, RunningTarget, TargetSpec, Upstream } from './target-types.ts';

const MODEL: Record<Upstream, string> = { fast: 'bench', slow: 'bench-slow' };
/** Overridable to bench another entry point (bin/tollgate.js) or to test this harness with a stand-in. */
const ENTRY = process.env.TOLLGATE_BENCH_ENTRY ?? 'src/cli/main.ts';
const READY_TIMEOUT_MS = 20_000;

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

function logTail(path: string): string {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}

async function waitUntilLive(child: ChildProcess, origin: string, logPath: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `tollgate exited (${child.exitCode ?? child.signalCode}) before it was live (log: ${logPath}):\n${logTail(logPath)}`,
      );
    }
    try {
      const res = await request(`${origin}/health/liveliness`, { headersTimeout: 1000, bodyTimeout: 1000 });
      await res.body.dump();
      if (res.statusCode === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`tollgate not live after ${READY_TIMEOUT_MS} ms (log: ${logPath}):\n${logTail(logPath)}`);
}

/** The OTLP sink a traced Tollgate exports to, in its own process like the mock. */
async function startSink(): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawnTracked(NODE_BIN, ['bench/otlp-sink.ts', '--port', '0'], ['ignore', 'pipe', 'inherit']);
  const match = await waitForLine(child, /listening (\d+)/, 10_000);
  return { url: `http://127.0.0.1:${match[1]}/`, stop: () => stopChild(child) };
}

type Tracing = 'off' | 'otlp' | 'store';

/** Tollgate with tracing off, exporting every span to a local OTLP sink, or into its embedded store. */
function tollgate(name: string, tracing: Tracing, extraArgs: string[] = []): TargetSpec {
  return {
    name,
    optIn: tracing !== 'store' || extraArgs.length > 0,
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
        ENTRY,
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
        await waitUntilLive(child, origin, logPath);
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

/** As `npm start` runs it: every span kept in the embedded store. */
export const tollgateTarget = tollgate('tollgate', 'store');
export const tollgateNoStoreTarget = tollgate('tollgate-nostore', 'off');
export const tollgateTracedTarget = tollgate('tollgate-traced', 'otlp');
/** `--num_workers 2`: two processes on the port, one store (RSS reported for the primary only). */
export const tollgateTwoWorkersTarget = tollgate('tollgate-2w', 'store', ['--num_workers', '2']);
