/**
 * Picking a deployment of a model group, as LiteLLM's Router does: `simple-shuffle` (a random choice
 * weighted by `weight`, else `rpm`, else `tpm`), `least-busy`, `latency-based-routing` and
 * `usage-based-routing`, among deployments that are not cooling down and are under their rpm/tpm.
 */
import type { Deployment, GatewayConfig } from '../config/types.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { type DeploymentView, EMPTY_VIEW, type Views } from './router-state.ts';

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
export function available(group: string, deployments: Deployment[], views: Views): Deployment[] {
  const ready = deployments.filter((d) => viewOf(views, d).cooldownMs === 0);
  if (ready.length > 0) return ready;
  const waitMs = Math.min(...deployments.map((d) => viewOf(views, d).cooldownMs));
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
export function underLimits(group: string, deployments: Deployment[], views: Views): Deployment[] {
  const open = deployments.filter((d) => {
    const v = viewOf(views, d);
    return (d.rpm === undefined || v.requests < d.rpm) && (d.tpm === undefined || v.tokens < d.tpm);
  });
  if (open.length > 0) return open;
  throw atLimit(group);
}

/** The 429 for a group whose every deployment is at its rpm/tpm for this minute. */
export function atLimit(group: string): GatewayError {
  return new GatewayError(
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
export function choose(strategy: Strategy, deployments: Deployment[], views: Views): Deployment {
  if (deployments.length === 1 || strategy === 'simple-shuffle') return simpleShuffle(deployments);
  const score = (d: Deployment): number => {
    const v = viewOf(views, d);
    switch (strategy) {
      case 'least-busy':
        return v.inFlight;
      case 'latency-based-routing':
        // Untried deployments first, so each gets measured.
        return v.latencyMs ?? -1;
      default:
        // usage-based: the most headroom left this minute, as a share of the limit when there is one.
        return d.tpm ? v.tokens / d.tpm : d.rpm ? v.requests / d.rpm : v.tokens;
    }
  };
  const scores = deployments.map(score);
  const best = Math.min(...scores);
  return simpleShuffle(deployments.filter((_, i) => scores[i] === best));
}

const viewOf = (views: Views, d: Deployment): DeploymentView => views.get(d.id) ?? EMPTY_VIEW;
