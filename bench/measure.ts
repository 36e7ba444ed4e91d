// Runs one scenario against one target route and reduces the generator's result to the named
// values the report compares. CPU time of the serving process is sampled around the run.
import { runClosedLoop } from './closed-loop.ts';
import { runOpenLoop } from './open-loop.ts';
import { cpuMs } from './proc-stats.ts';
import type { RunOptions } from './run-options.ts';
import type { Scenario } from './scenarios.ts';
import { runSlowStreams } from './slow-streams.ts';
import type { Route } from './target-types.ts';
import { runWrk } from './wrk.ts';

export interface Measurement {
  values: Record<string, number>;
  errors: number;
  firstError?: string;
  /** Generator health: open-loop send lag p99 (ms); large values make that run's latencies suspect. */
  sendLag99?: number;
}

export async function measure(s: Scenario, route: Route, o: RunOptions): Promise<Measurement> {
  const base = { endpoint: route.endpoint, durationS: o.durationS, warmupS: o.warmupS };
  const cpuBefore = cpuMs(route.pid);
  const cpuPer = (requests: number): number =>
    requests > 0 ? (cpuMs(route.pid) - cpuBefore) / requests : Number.NaN;

  switch (s.load.kind) {
    case 'open': {
      const r = await runOpenLoop({ ...base, rate: s.load.rate });
      return {
        values: {
          p50: r.latency.p50,
          p99: r.latency.p99,
          ttfb50: r.ttfb.p50,
          ttfb99: r.ttfb.p99,
          rps: r.achievedRate,
          cpu: cpuPer(r.totalSent),
        },
        errors: r.errors,
        firstError: r.firstError,
        sendLag99: r.sendLag.p99,
      };
    }
    case 'closed': {
      const r = await runClosedLoop({ ...base, connections: s.load.connections });
      return {
        values: {
          rps: r.rps,
          p50: r.latency.p50,
          p99: r.latency.p99,
          ttfb50: r.ttfb.p50,
          cpu: cpuPer(r.totalSent),
        },
        errors: r.errors,
        firstError: r.firstError,
      };
    }
    case 'streams': {
      const r = await runSlowStreams({ endpoint: route.endpoint, clients: s.load.clients, pid: route.pid });
      return {
        values: {
          rssPeak: r.peakRssMb,
          failed: r.errors,
          maxOpen: r.maxOpen,
          p50: r.duration.p50,
          p99: r.duration.p99,
          ttfb99: r.ttfb.p99,
          cpu: cpuPer(r.clients),
        },
        errors: r.errors,
        firstError: r.firstError,
      };
    }
    case 'wrk': {
      const r = await runWrk({ ...base, connections: s.load.connections });
      return {
        values: { rps: r.rps, p50: r.p50, p99: r.p99, cpu: cpuPer(r.totalRequests) },
        errors: r.errors,
        firstError: r.errors > 0 ? `${r.errors} wrk errors (socket or non-2xx)` : undefined,
      };
    }
  }
}
