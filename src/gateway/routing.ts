/**
 * Picking a deployment of a model group: LiteLLM's `simple-shuffle` — a random choice weighted by each
 * deployment's `weight`, else its `rpm`, else its `tpm`, else uniform — among those not cooling down.
 */
import type { Deployment } from '../config/types.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import type { Cooldowns } from './cooldowns.ts';

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
