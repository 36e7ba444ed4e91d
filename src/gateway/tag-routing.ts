/**
 * The deployments of a group a request may go to by who sent it, before routing state is consulted:
 * LiteLLM's tag-based routing (`enable_tag_filtering`) and an end user's `allowed_model_region`.
 */
import type { Deployment } from '../config/types.ts';
import { GatewayError } from '../errors/gateway-error.ts';

/** The refusals' codes: no deployment of the group may take the request, though another group may. */
export const NO_TAGGED_DEPLOYMENT = 'no_deployments_with_tag_routing';
export const NO_DEPLOYMENT_IN_REGION = 'no_deployments_in_region';

/**
 * LiteLLM's rules: a tagged request goes to the deployments sharing a tag with it (every tag, when
 * `matchAny` is false), else to those tagged `default`, else nowhere; an untagged request goes to the
 * `default` deployments when there are any, else to all.
 */
export function byTags(
  group: string,
  deployments: Deployment[],
  tags: string[],
  matchAny: boolean,
): Deployment[] {
  const defaults = deployments.filter((d) => d.tags?.includes('default'));
  if (tags.length === 0) return defaults.length > 0 ? defaults : deployments;
  const matching = deployments.filter((d) => {
    const own = d.tags;
    if (own === undefined) return false;
    return matchAny ? tags.some((t) => own.includes(t)) : tags.every((t) => own.includes(t));
  });
  if (matching.length > 0) return matching;
  if (defaults.length > 0) return defaults;
  // Not retryable and not the client's to wait out: its tags (or its key's, its team's) exclude the group.
  throw new GatewayError(
    `Not allowed to access model due to tags configuration: no deployment of model group \`${group}\` carries the tags ${JSON.stringify(tags)}, and none is tagged "default".`,
    { status: 400, type: 'invalid_request_error', code: NO_TAGGED_DEPLOYMENT },
  );
}

/** The deployments in the end user's allowed region (`litellm_params.region_name`). */
export function inRegion(group: string, deployments: Deployment[], region: string): Deployment[] {
  const inside = deployments.filter((d) => d.regionName === region);
  if (inside.length > 0) return inside;
  throw new GatewayError(
    `No deployment of model group \`${group}\` is in region "${region}", the only one this end user's allowed_model_region allows.`,
    { status: 400, type: 'invalid_request_error', code: NO_DEPLOYMENT_IN_REGION },
  );
}
