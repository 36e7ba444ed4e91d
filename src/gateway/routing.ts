/**
 * Picking a deployment of a model group, as LiteLLM's Router does: `simple-shuffle` (a random choice
 * weighted by `weight`, else `rpm`, else `tpm`), `least-busy`, `latency-based-routing` and
 * `usage-based-routing`, among deployments that are not cooling down and are under their rpm/tpm.
 */
import type { Deployment, GatewayConfig } from '../config/types.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import type { Cooldowns } from './cooldowns.ts';
import type { DeploymentStats } from './deployment-stats.ts';

export function simpleShuffle(deployments: Deployment[], random: () => number = Math.random): Deployment {
  if (deployments.length === 1) return deployments[0] as Deployment;
  const field = (['weight', 'rpm', 'tpm'] as const).find((f) => deployments.some((d) => (d[f] ?? 0) > 0));
  const weights = deployments.map((d) => (field ? Math.max(0, d[field] ?? 0) : 1));
  const total = weights.reduce((a, b) => a + b, 0);
  let at = random() * total;
  for (let i = 0; i < deployments.length; i++) {
    at -= weights[i] as number;
    if (at < 0) return deployments[i] as Deployment;
  }
  return deployments.at(-1) as Deployment;
}

/** The deployments that are not cooling down, or a 429 saying when one will be back. */
export function available(group: string, deployments: Deployment[], cooldowns: Cooldowns): Deployment[] {
  const ready = deployments.filter((d) => cooldowns.remainingMs(d.id) === 0);
  if (ready.length > 0) return ready;
  const waitMs = Math.min(...deployments.map((d) => cooldowns.remainingMs(d.id)));
  throw new GatewayError(
    `No deployment of model group \`${group}\` is available: all ${deployments.length} are cooling down after repeated failures. Try again in ${Math.ceil(waitMs / 1000)} s.`,
    {
      status: 429,
      type: 'rate_limit_error',
      code: 'no_deployments_available',
      retryAfterSeconds: waitMs / 1000,
    },
  );
}

export type Strategy = GatewayConfig['routingStrategy'];

/** Deployments under their `rpm` and `tpm` for this minute, or a 429 when none is. */
export function underLimits(group: string, deployments: Deployment[], stats: DeploymentStats): Deployment[] {
  const open = deployments.filter(
    (d) =>
      (d.rpm === undefined || stats.requestsThisMinute(d.id) < d.rpm) &&
      (d.tpm === undefined || stats.tokensThisMinute(d.id) < d.tpm),
  );
  if (open.length > 0) return open;
  throw new GatewayError(
    `Model group \`${group}\` is at its rpm/tpm limit for this minute on every deployment. Try again shortly.`,
    {
      status: 429,
      type: 'rate_limit_error',
      code: 'rate_limit_exceeded',
      retryAfterSeconds: 60 - Math.floor((Date.now() / 1000) % 60),
    },
  );
}

/** One deployment by the group's strategy (LiteLLM's names); ties and unknowns fall back to simple-shuffle. */
export function choose(strategy: Strategy, deployments: Deployment[], stats: DeploymentStats): Deployment {
  if (deployments.length === 1 || strategy === 'simple-shuffle') return simpleShuffle(deployments);
  const score = (d: Deployment): number => {
    switch (strategy) {
      case 'least-busy':
        return stats.inFlight(d.id);
      case 'latency-based-routing':
        // Untried deployments first, so each gets measured.
        return stats.latencyMs(d.id) ?? -1;
      default:
        // usage-based: the most headroom left this minute, as a share of the limit when there is one.
        return d.tpm
          ? stats.tokensThisMinute(d.id) / d.tpm
          : d.rpm
            ? stats.requestsThisMinute(d.id) / d.rpm
            : stats.tokensThisMinute(d.id);
    }
  };
  const scores = deployments.map(score);
  const best = Math.min(...scores);
  return simpleShuffle(deployments.filter((_, i) => scores[i] === best));
}
