/**
 * What Tollgate does with each config.yaml key it does not act on. A team moving off LiteLLM brings
 * settings we do not implement yet; refusing to start would block the move, and dropping them silently
 * would hide a difference in behaviour. So each one is accepted and named in a start-up warning.
 */

export const NOT_YET = ' is not supported yet and is ignored';
export const UNKNOWN = ' is not a known key and is ignored';
const TRACES = ': Tollgate always traces; the value is accepted and ignored';
const NOT_REDACTED = ' is not supported yet: message content is still recorded in traces';

/** Keys listed in a whitespace-separated string, each ignored with the same note. */
const notYet = (keys: string): Record<string, string> =>
  Object.fromEntries(
    keys
      .split(/\s+/)
      .filter(Boolean)
      .map((k) => [k, NOT_YET]),
  );

/** Top-level sections of LiteLLM's config we know of but do not read. */
export const TOP_LEVEL: Readonly<Record<string, string>> = notYet(`
include guardrails credential_list callback_settings mcp_servers assistant_settings
files_settings finetune_settings vector_store_registry search_tools prompts
`);

export const LITELLM_SETTINGS: Readonly<Record<string, string>> = {
  ...notYet(`
cache
cache_params json_logs max_budget budget_duration modify_params ssl_verify guardrails
default_team_settings max_internal_user_budget upperbound_key_generate_params
default_key_generate_params key_generation_settings model_group_settings
custom_provider_map post_call_rules return_response_headers force_ipv4
`),
  callbacks: TRACES,
  success_callback: TRACES,
  failure_callback: TRACES,
  service_callback: TRACES,
  set_verbose: ': use --detailed_debug for a debug log; the value is ignored',
  redact_messages_in_exceptions: NOT_REDACTED,
  redact_user_api_key_info: NOT_YET,
};

export const ROUTER_SETTINGS: Readonly<Record<string, string>> = notYet(`
routing_strategy_args max_fallbacks
allowed_fails_policy retry_policy
model_group_retry_policy retry_after
cache_responses cache_kwargs enable_pre_call_checks optional_pre_call_checks
provider_budget_config polling_interval set_verbose debug_level
`);

export const GENERAL_SETTINGS: Readonly<Record<string, string>> = notYet(`
database_connection_pool_limit database_connection_timeout store_model_in_db
store_prompts_in_spend_logs alerting_threshold
alert_to_webhook_url proxy_batch_write_at max_parallel_requests
global_max_parallel_requests infer_model_from_keys background_health_checks
health_check_interval health_check_details custom_auth custom_key_generate allowed_routes
admin_only_routes public_routes enforce_user_param enable_jwt_auth litellm_jwtauth
ui_access_mode allowed_ips pass_through_endpoints max_response_size_mb
use_x_forwarded_for forward_client_headers_to_llm_api key_management_system
key_management_settings disable_master_key_return user_header_name
cors_allow_credentials cors_allow_methods cors_allow_headers
`);

/**
 * `litellm_params` keys that steer LiteLLM itself (or a provider we lack) rather than the request.
 * Every other unknown `litellm_params` key is a default request parameter, so these must be taken out:
 * sent upstream, OpenAI would reject the request.
 */
export const LITELLM_PARAMS: Readonly<Record<string, string>> = {
  ...notYet(`
organization stream_timeout max_parallel_requests input_cost_per_token
output_cost_per_token input_cost_per_second output_cost_per_second
base_model litellm_credential_name use_in_pass_through merge_reasoning_content_in_choices
azure_ad_token tenant_id client_id client_secret aws_access_key_id aws_secret_access_key
aws_session_token aws_region_name aws_profile_name aws_role_name vertex_project
vertex_location vertex_credentials
`),
};

/** `litellm_params` keys we keep on the Deployment but do not act on yet (none at the moment). */
export const INERT_PARAMS: Readonly<Record<string, string>> = {};
