/**
 * LiteLLM's config.yaml, the part Tollgate acts on. Keys Tollgate accepts but does not act on are listed
 * in `key-rules.ts` and removed (with a warning) before this schema sees the data.
 */
import { z } from 'zod';

/** PyYAML users write `timeout: "30"`, and `os.environ/` values are strings: LiteLLM takes both as numbers. */
const numeric = (value: unknown) =>
  typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
const boolean = (value: unknown) =>
  typeof value === 'string' && /^(true|false)$/i.test(value.trim())
    ? value.trim().toLowerCase() === 'true'
    : value;

const positive = z.preprocess(numeric, z.number().positive());
const count = z.preprocess(numeric, z.number().int().min(0));
const nonNegative = z.preprocess(numeric, z.number().min(0));
const flag = z.preprocess(boolean, z.boolean());
const name = z.string().min(1);

/** `litellm_params`: where to send a model group's requests. Other keys are default request parameters. */
export const litellmParamsSchema = z.looseObject({
  model: name,
  /** Overrides the provider taken from the `provider/` prefix of `model`, as in LiteLLM. */
  custom_llm_provider: name.optional(),
  api_base: z.string().optional(),
  api_key: z.string().optional(),
  api_version: z.string().optional(),
  /** Seconds. */
  timeout: positive.optional(),
  max_retries: count.optional(),
  /** LiteLLM's name for the deployment's retries (its `max_retries` is the OpenAI client's own). */
  num_retries: count.optional(),
  mock_timeout: flag.optional(),
  drop_params: flag.optional(),
  rpm: nonNegative.optional(),
  tpm: nonNegative.optional(),
  weight: nonNegative.optional(),
  /** Tag-based routing (`router_settings.enable_tag_filtering`): the tags this deployment serves. */
  tags: z.array(z.string()).optional(),
  /** The region the deployment runs in: end users with an `allowed_model_region` are routed by it. */
  region_name: z.string().optional(),
});

/** `model_info`: kept as written; only `id` has a meaning here (YAML may write it as a number). */
export const modelInfoSchema = z.looseObject({
  id: z.preprocess((v) => (typeof v === 'number' ? String(v) : v), name).optional(),
});

export const modelEntrySchema = z.object({
  model_name: name,
  litellm_params: litellmParamsSchema,
  model_info: modelInfoSchema.optional(),
});

/** LiteLLM's fallback lists: `[{ group: [fallback, …] }, …]`. */
const fallbackList = z.array(z.record(z.string(), z.array(name)));

/** Fallback settings, in litellm_settings and router_settings alike. */
const fallbackSettings = {
  fallbacks: fallbackList.optional(),
  context_window_fallbacks: fallbackList.optional(),
  content_policy_fallbacks: fallbackList.optional(),
  default_fallbacks: z.array(name).optional(),
};

export const litellmSettingsSchema = z.object({
  ...fallbackSettings,
  allowed_fails: count.optional(),
  drop_params: flag.optional(),
  /** Seconds. */
  request_timeout: positive.optional(),
  num_retries: count.optional(),
  /** LiteLLM's switch to keep prompts and answers out of its logs: here, out of spans. */
  turn_off_message_logging: flag.optional(),
  /** `GET /metrics` asks for a key (any virtual key or the master key); open by default, as in LiteLLM. */
  require_auth_for_metrics_endpoint: flag.optional(),
  /** The request's `user` as the metrics' `end_user` label (off by default: it can have many values). */
  enable_end_user_cost_tracking_prometheus_only: flag.optional(),
  disable_end_user_cost_tracking_prometheus_only: flag.optional(),
  disable_end_user_cost_tracking: flag.optional(),
});

/** An alias is a model group name, or LiteLLM's `{ model, hidden }` form. */
const aliasTarget = z.union([name, z.object({ model: name, hidden: flag.optional() })]);

export const routerSettingsSchema = z.object({
  ...fallbackSettings,
  allowed_fails: count.optional(),
  routing_strategy: z.string().optional(),
  /** Seconds. */
  cooldown_time: z.number().nonnegative().optional(),
  disable_cooldowns: flag.optional(),
  num_retries: count.optional(),
  /** Seconds. */
  timeout: positive.optional(),
  model_group_alias: z.record(z.string(), aliasTarget).optional(),
  /** Shared routing state across replicas (cooldowns, rpm/tpm, latency): a URL, or host and port. */
  redis_url: z.string().optional(),
  redis_host: z.string().optional(),
  redis_port: z.coerce.number().int().positive().optional(),
  redis_password: z.string().optional(),
  /** Routes a request to the deployments sharing one of its tags (LiteLLM's tag-based routing). */
  enable_tag_filtering: flag.optional(),
  /** False: a deployment must carry every one of the request's tags, not just one. */
  tag_filtering_match_any: flag.optional(),
});

export const generalSettingsSchema = z.object({
  master_key: z.string().optional(),
  /** LiteLLM's alert channels: `webhook` sends budget alerts to WEBHOOK_URL. */
  alerting: z.array(z.string()).optional(),
  /** LiteLLM's alert types; only `budget_alerts` is sent. */
  alert_types: z.array(z.string()).optional(),
  /** PostgreSQL for virtual keys, spend and models (else the embedded SQLite file). */
  database_url: z.string().optional(),
  /** No spend log row per request (spend is still charged to keys, users, teams, …). */
  disable_spend_logs: z.boolean().optional(),
  max_request_size_mb: positive.optional(),
  /** The model every `/moderations` request uses, whatever the client asked for (LiteLLM's). */
  moderation_model: name.optional(),
  /** Tollgate's own: hosts, addresses and CIDR ranges alert webhooks may call although they are not public. */
  webhook_allowed_hosts: z.array(name).optional(),
  /** LiteLLM's CORS allow list: origins, as a list or one comma-separated string. */
  cors_allow_origins: z.union([z.string(), z.array(z.string())]).optional(),
  /** Host names the gateway answers to without a master key, besides localhost and IP addresses. */
  allowed_hosts: z.union([z.string(), z.array(z.string())]).optional(),
  /** Client connections held at once, in all and from one address (per gateway process). */
  max_connections: z.preprocess(numeric, z.number().int().min(1)).optional(),
  max_connections_per_client: z.preprocess(numeric, z.number().int().min(1)).optional(),
});

export const environmentVariablesSchema = z.record(
  z.string(),
  z.union([z.string(), z.number(), z.boolean()]),
);

export const configSchema = z.object({
  model_list: z.array(modelEntrySchema).optional(),
  litellm_settings: litellmSettingsSchema.optional(),
  router_settings: routerSettingsSchema.optional(),
  general_settings: generalSettingsSchema.optional(),
  environment_variables: environmentVariablesSchema.optional(),
});

export type FileConfig = z.infer<typeof configSchema>;
export type ModelEntry = z.infer<typeof modelEntrySchema>;
export type LitellmParams = z.infer<typeof litellmParamsSchema>;
