// A target is anything the load is pointed at: the mock itself (the baseline), Tollgate, and later
// peer gateways (Portkey). Adding one means one more TargetSpec in targets.ts.
import type { Endpoint } from './endpoint.ts';
import type { MockProcess } from './mock-process.ts';

/**
 * Which mock answers: 0 ms; the `--delay` one that imitates a model's time to first token; or the
 * trickling one of the slow-streams scenario (one SSE event every 100 ms, ~5 s per answer).
 */
export type Upstream = 'fast' | 'slow' | 'trickle';

export interface BenchContext {
  mocks: Partial<Record<Upstream, MockProcess>>;
  /** Scratch directory for generated configs. */
  workDir: string;
  /** Where servers' logs go (bench/results, git-ignored). */
  logDir: string;
}

export interface Route {
  endpoint: Endpoint;
  /** The process doing this target's work, for CPU per request (the mock, for direct). */
  pid: number;
}

export interface RunningTarget {
  name: string;
  /** The process whose RSS is reported for this target. */
  pid: number;
  route(upstream: Upstream, stream: boolean): Route;
  stop(): Promise<void>;
}

export interface TargetSpec {
  name: string;
  /** Measured only when named in --only (extra comparators that would lengthen every run). */
  optIn?: boolean;
  start(ctx: BenchContext): Promise<RunningTarget>;
}
