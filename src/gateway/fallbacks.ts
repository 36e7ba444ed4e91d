/**
 * Which model groups to try after a group has failed, as LiteLLM's Router does: a prompt too long for
 * the model goes to `context_window_fallbacks`, refused content to `content_policy_fallbacks`, and any
 * other failure that outlived its retries (or a deployment that refuses our key or model) to
 * `fallbacks`, then `default_fallbacks`. A client's own mistake (a bad parameter) never falls back.
 * Each group is tried at most once per request, so fallback lists that point at each other cannot loop.
 */
import type { Fallbacks } from '../config/types.ts';
import type { GatewayError } from '../errors/gateway-error.ts';
import { NO_DEPLOYMENT_IN_REGION, NO_TAGGED_DEPLOYMENT } from './tag-routing.ts';

export type FallbackKind = 'contextWindow' | 'contentPolicy' | 'general';

const UNSERVED = new Set([NO_TAGGED_DEPLOYMENT, NO_DEPLOYMENT_IN_REGION]);

export function fallbackKind(error: GatewayError): FallbackKind | undefined {
  const code = (error.code ?? '').toLowerCase();
  const message = error.message.toLowerCase();
  if (
    code === 'context_length_exceeded' ||
    /context (length|window)|maximum context|too many tokens/.test(message)
  )
    return 'contextWindow';
  if (
    code === 'content_policy_violation' ||
    code === 'content_filter' ||
    /content (management )?policy/.test(message)
  )
    return 'contentPolicy';
  // 499: the client left; nobody is waiting for a fallback's answer.
  if (error.status === 499) return undefined;
  if (error.retryable || [401, 403, 404].includes(error.status)) return 'general';
  // No deployment of the group may take this request (its tags, its end user's region): another group may.
  if (UNSERVED.has(code)) return 'general';
  return undefined;
}

/** The groups to try, in order, after `group` failed with `error`. */
export function fallbackGroups(fallbacks: Fallbacks, group: string, error: GatewayError): string[] {
  const kind = fallbackKind(error);
  if (kind === undefined) return [];
  const specific = kind === 'general' ? [] : (fallbacks[kind][group] ?? []);
  // A specific failure with no specific list still gets the general ones, as in LiteLLM.
  const general = fallbacks.general[group] ?? fallbacks.default;
  return [...new Set([...specific, ...general])].filter((g) => g !== group);
}
