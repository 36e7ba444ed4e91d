// Flags of `npm run bench` (bench/run.ts).
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from './child-process.ts';

export interface RunOptions {
  durationS: number;
  warmupS: number;
  /** Open-loop rates, req/s: each one is a pair of scenarios (plain, streamed). */
  rates: number[];
  connections: number;
  rounds: number;
  /** Clients of the slow-streams scenario (each holds one ~5 s stream open); 0 leaves it out. */
  slowStreams: number;
  /** Upstream delay of the extra "slow upstream" scenarios; 0 leaves them out. */
  delayMs: number;
  /** Target names to measure; undefined = all. */
  only: readonly string[] | undefined;
  wrk: boolean;
  /** Pause between runs so one run's GC and socket teardown do not leak into the next. */
  pauseMs: number;
  out: string;
  quick: boolean;
}

export const USAGE = `usage: node bench/run.ts [flags]
  --duration S      measured seconds per run (default 8; --quick: 2)
  --warmup S        discarded seconds before each run (default 2; --quick: 1)
  --rate N[,N]      open-loop rates, req/s, each plain and streamed (default 200,1000)
  --slow-streams N  clients holding a ~5 s stream open at once, peak RSS sampled (default 1000; 0: off)
  --connections N   closed-loop connections (default 50)
  --rounds N        runs per target and scenario, alternating targets (default 2)
  --delay MS        also run the scenarios against a mock that waits MS before answering (e.g. 50)
  --only a,b        measure only these targets. Default: direct, passthrough (a minimal node:http +
                    undici proxy, the practical ceiling the targets are relative to), tollgate (as users
                    run it: a priced model, a master key, tracing on, spans into its embedded store),
                    portkey (the peer, @portkey-ai/gateway).
                    Opt-in: tollgate-unpriced (an unpriced model, no master key), tollgate-nostore
                    (tracing off), tollgate-traced (spans exported to a local OTLP sink), tollgate-2w
                    (--num_workers 2), tollgate-vkey (clients send a virtual key with a budget
                    instead of the master key), tollgate-baseline (the checkout at TOLLGATE_BENCH_BASELINE)
  --no-wrk          skip wrk even if it is installed
  --out FILE        markdown report (default bench/results/latest.md)
  --quick           short runs for a smoke test`;

function num(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got ${value}`);
  return n;
}

export function parseRunOptions(argv: string[]): RunOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string' },
      warmup: { type: 'string' },
      rate: { type: 'string' },
      'slow-streams': { type: 'string' },
      connections: { type: 'string' },
      rounds: { type: 'string' },
      delay: { type: 'string' },
      only: { type: 'string' },
      'high-rate': { type: 'string' },
      'no-wrk': { type: 'boolean', default: false },
      out: { type: 'string' },
      quick: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = values.quick;
  return {
    // 8 s, not 10: four targets × two rates keep the default run near 13 minutes.
    durationS: num(values.duration, quick ? 2 : 8, 'duration'),
    warmupS: num(values.warmup, quick ? 1 : 2, 'warmup'),
    rates: (values.rate ?? '200,1000').split(',').map((r) => num(r.trim(), 200, 'rate')),
    slowStreams: Math.round(num(values['slow-streams'], 1000, 'slow-streams')),
    connections: num(values.connections, 50, 'connections'),
    rounds: Math.max(1, Math.round(num(values.rounds, 2, 'rounds'))),
    delayMs: num(values.delay, 0, 'delay'),
    only: values.only
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    wrk: !values['no-wrk'],
    pauseMs: quick ? 200 : 1000,
    out: values.out ?? join(REPO_ROOT, 'bench', 'results', 'latest.md'),
    quick,
  };
}
