/**
 * The request metrics: LiteLLM's names, types and labels (litellm/integrations/prometheus.py), so that
 * dashboards and alerts built on LiteLLM's `/metrics` keep working. Labels LiteLLM has that would grow
 * without bound (`client_ip`, `user_agent`) are left out. Label names are listed alphabetically, the order
 * they are written in.
 */
import { StoredCounter, StoredGauge, StoredHistogram } from './stored.ts';

/** Every label a request metric may carry. */
export type LabelName =
  | 'api_base'
  | 'api_key_alias'
  | 'api_provider'
  | 'end_user'
  | 'exception_class'
  | 'exception_status'
  | 'fallback_model'
  | 'hashed_api_key'
  | 'litellm_model_name'
  | 'model'
  | 'model_group'
  | 'model_id'
  | 'requested_model'
  | 'route'
  | 'status_code'
  | 'team'
  | 'team_alias'
  | 'user'
  | 'user_email';

/** LiteLLM's latency buckets, in seconds (+Inf is added). */
export const LATENCY_BUCKETS = [
  0.005, 0.00625, 0.0125, 0.025, 0.05, 0.1, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7, 7.5, 8,
  8.5, 9, 9.5, 10, 15, 20, 25, 30, 60, 120, 180, 240, 300,
] as const;

/** prom-client's default buckets, which LiteLLM's per-token latency histogram keeps. */
const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface Def<M> {
  metric: M;
  labels: readonly LabelName[];
}

const KEY: LabelName[] = ['api_key_alias', 'hashed_api_key'];
const TEAM: LabelName[] = ['team', 'team_alias'];
const WHO: LabelName[] = [...KEY, 'end_user', ...TEAM, 'user'];
const DEPLOYMENT: LabelName[] = ['api_base', 'api_provider', 'litellm_model_name', 'model_id'];

function counter(name: string, help: string, labels: LabelName[]): Def<StoredCounter> {
  const sorted = [...labels].sort();
  return { metric: new StoredCounter(`${name}_total`, help, sorted), labels: sorted };
}

function histogram(
  name: string,
  help: string,
  labels: LabelName[],
  buckets: readonly number[] = LATENCY_BUCKETS,
): Def<StoredHistogram> {
  const sorted = [...labels].sort();
  return { metric: new StoredHistogram(name, help, sorted, buckets), labels: sorted };
}

/** A fresh set of the request metrics (one per registry). */
export function requestMetrics() {
  return {
    proxyTotal: counter(
      'litellm_proxy_total_requests_metric',
      'Total number of requests made to the proxy server - track number of client side requests',
      [...WHO, 'requested_model', 'status_code', 'user_email', 'route', 'model_id'],
    ),
    proxyFailed: counter(
      'litellm_proxy_failed_requests_metric',
      'Total number of failed responses from proxy - the client did not get a success response from litellm proxy',
      [...WHO, 'requested_model', 'user_email', 'exception_status', 'exception_class', 'route', 'model_id'],
    ),
    llmApiFailed: counter(
      'litellm_llm_api_failed_requests_metric',
      'deprecated - use litellm_proxy_failed_requests_metric',
      [...WHO, 'model', 'model_id'],
    ),
    requests: counter(
      'litellm_requests_metric',
      'deprecated - use litellm_proxy_total_requests_metric. Total number of LLM calls to litellm - track total per API Key, team, user',
      [...WHO, 'model', 'user_email', 'model_id'],
    ),
    spend: counter('litellm_spend_metric', 'Total spend on LLM requests', [
      ...WHO,
      'model',
      'user_email',
      'model_id',
    ]),
    totalTokens: counter(
      'litellm_total_tokens_metric',
      'Total number of input + output tokens from LLM requests',
      [...WHO, 'model', 'user_email', 'requested_model', 'model_id'],
    ),
    inputTokens: counter('litellm_input_tokens_metric', 'Total number of input tokens from LLM requests', [
      ...WHO,
      'model',
      'user_email',
      'requested_model',
      'model_id',
    ]),
    outputTokens: counter('litellm_output_tokens_metric', 'Total number of output tokens from LLM requests', [
      ...WHO,
      'model',
      'user_email',
      'requested_model',
      'model_id',
    ]),
    totalLatency: histogram(
      'litellm_request_total_latency_metric',
      'Total latency (seconds) for a request to LiteLLM',
      [...WHO, 'requested_model', 'model', 'model_id'],
    ),
    apiLatency: histogram(
      'litellm_llm_api_latency_metric',
      'Total latency (seconds) for a models LLM API call',
      [...WHO, 'requested_model', 'model', 'model_id'],
    ),
    timeToFirstToken: histogram(
      'litellm_llm_api_time_to_first_token_metric',
      'Time to first token for a models LLM API call',
      [...WHO, 'requested_model', 'model', 'model_id'],
    ),
    overhead: histogram(
      'litellm_overhead_latency_metric',
      'Latency overhead (seconds) added by the gateway: the request total less the time spent waiting on upstreams',
      [...KEY, 'model_group', 'api_provider', 'api_base', 'litellm_model_name', 'model_id'],
    ),
    latencyPerToken: histogram(
      'litellm_deployment_latency_per_output_token',
      'LLM Deployment Analytics - Latency per output token',
      [...KEY, ...TEAM, ...DEPLOYMENT],
      DEFAULT_BUCKETS,
    ),
  };
}

/** Metrics counted per upstream call (attempt), and the fallbacks. */
export function deploymentMetrics() {
  return {
    success: counter(
      'litellm_deployment_success_responses',
      'LLM Deployment Analytics - Total number of successful LLM API calls via litellm',
      [...KEY, ...TEAM, 'requested_model', ...DEPLOYMENT],
    ),
    failure: counter(
      'litellm_deployment_failure_responses',
      'LLM Deployment Analytics - Total number of failed LLM API calls for a specific LLM deploymeny. exception_status is the status of the exception from the llm api',
      [...KEY, ...TEAM, 'requested_model', ...DEPLOYMENT, 'exception_status', 'exception_class'],
    ),
    total: counter(
      'litellm_deployment_total_requests',
      'LLM Deployment Analytics - Total number of LLM API calls via litellm - success + failure',
      [...KEY, ...TEAM, 'requested_model', ...DEPLOYMENT],
    ),
    state: {
      metric: new StoredGauge(
        'litellm_deployment_state',
        'LLM Deployment Analytics - The state of the deployment: 0 = healthy, 1 = partial outage, 2 = complete outage',
        [...DEPLOYMENT].sort(),
      ),
      labels: [...DEPLOYMENT].sort() as readonly LabelName[],
    },
    successfulFallbacks: counter(
      'litellm_deployment_successful_fallbacks',
      'LLM Deployment Analytics - Number of successful fallback requests from primary model -> fallback model',
      [...KEY, ...TEAM, 'requested_model', 'fallback_model', 'exception_status', 'exception_class'],
    ),
    failedFallbacks: counter(
      'litellm_deployment_failed_fallbacks',
      'LLM Deployment Analytics - Number of failed fallback requests from primary model -> fallback model',
      [...KEY, ...TEAM, 'requested_model', 'fallback_model', 'exception_status', 'exception_class'],
    ),
  };
}
