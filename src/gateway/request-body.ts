/**
 * The body a deployment receives: the client's parameters unchanged, except the deployment's model
 * name, the deployment's own parameters where the client set none, no gateway-only fields, and — only
 * under `drop_params` — no parameters the provider cannot take.
 */
import type { Deployment } from '../config/types.ts';
import type { Endpoint, Provider } from '../providers/spec.ts';
import type { JsonObject } from '../shared/json.ts';

/**
 * Fields that steer the gateway (LiteLLM's request extras, request-options.ts); an upstream never sees
 * them. `timeout` is one too: OpenAI's API has none (its SDKs' timeout is a client option).
 */
const GATEWAY_ONLY = new Set([
  'mock_response',
  'num_retries',
  'timeout',
  'fallbacks',
  'context_window_fallbacks',
  'content_policy_fallbacks',
  'disable_fallbacks',
  'mock_testing_fallbacks',
  'mock_testing_context_fallbacks',
  'mock_testing_context_window_fallbacks',
  'mock_testing_content_policy_fallbacks',
  'mock_testing_rate_limit_error',
  'mock_timeout',
  'caching',
  'cache',
  'user_config',
  'tags',
]);

export interface PreparedBody {
  body: JsonObject;
  /** Parameters removed under `drop_params`, for the log and the trace. */
  dropped: string[];
}

export function prepareBody(
  endpoint: Endpoint,
  client: JsonObject,
  deployment: Deployment,
  provider: Provider,
  dropParams: boolean,
): PreparedBody {
  const body: JsonObject = {};
  for (const [key, value] of Object.entries(deployment.params)) {
    if (client[key] === undefined) body[key] = value;
  }
  for (const [key, value] of Object.entries(client)) {
    if (value === undefined || GATEWAY_ONLY.has(key)) continue;
    // LiteLLM consumes `metadata` for its logs; OpenAI's chat accepts it only for stored completions.
    // (The Responses and Messages APIs have a `metadata` of their own, passed on.)
    if (key === 'metadata' && client.store !== true && (endpoint === 'chat' || endpoint === 'completions'))
      continue;
    body[key] = value;
  }
  body.model = deployment.model;
  const dropped: string[] = [];
  if (dropParams) {
    const supported = provider.supportedParams(endpoint, deployment.model);
    for (const key of Object.keys(body)) {
      if (!supported.has(key)) {
        delete body[key];
        dropped.push(key);
      }
    }
  }
  return { body, dropped };
}

/** Whether the request asks for the scripted answer of the mock provider instead of a real call. */
export function wantsMockResponse(client: JsonObject): boolean {
  return typeof client.mock_response === 'string';
}
