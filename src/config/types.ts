/** The resolved configuration the gateway runs with: flags, config.yaml and environment merged. */

/** One upstream a model group can be served by (a `model_list` entry). */
export interface Deployment {
  /** `model_info.id`, else a stable id derived from the entry. */
  id: string;
  /** The model group clients ask for (`model_name`). */
  modelName: string;
  /** Provider key in the registry: `openai`, `mock`, … */
  provider: string;
  /** The provider's own model id (`litellm_params.model` without the `provider/` prefix). */
  model: string;
  /** The full `litellm_params.model` string as written, e.g. `openai/gpt-4o-mini`. */
  litellmModel: string;
  apiBase?: string;
  apiKey?: string;
  apiVersion?: string;
  /** Per-deployment upstream timeout in milliseconds (`litellm_params.timeout`). */
  timeoutMs?: number;
  /** Retries of a retryable failure on this deployment (`litellm_params.num_retries` or `max_retries`). */
  maxRetries?: number;
  /** LiteLLM's testing switch `litellm_params.mock_timeout`: every call waits its timeout and times out. */
  mockTimeout?: boolean;
  /** Per-deployment `drop_params`; falls back to the global setting. */
  dropParams?: boolean;
  /** Requests per minute (`litellm_params.rpm`): enforced per deployment, and a routing weight. */
  rpm?: number;
  /** Tokens per minute (`litellm_params.tpm`): enforced per deployment (plain calls), and a routing weight. */
  tpm?: number;
  /** Share of the group's traffic under simple-shuffle (`litellm_params.weight`). */
  weight?: number;
  /** `litellm_params.tags`: the requests' tags it serves under tag-based routing (`default`: untagged ones). */
  tags?: string[];
  /** `litellm_params.region_name`: the only deployments an end user with an `allowed_model_region` is sent to. */
  regionName?: string;
  /** Request parameters set for every call to this deployment (e.g. `temperature`, `max_tokens`). */
  params: Record<string, unknown>;
  /** `model_info` as written (prices, mode, …). */
  modelInfo: Record<string, unknown>;
  /**
   * Set on a wildcard entry (`model_name: "openai/*"`): the deployment serving the concrete model whose
   * name matched the `*`s with `captures`, or why that model cannot be served.
   */
  expand?: (captures: string[]) => Deployment | string;
}

/** Where a model group's requests go when all its deployments fail: group → groups, in order. */
export interface Fallbacks {
  /** Any failure that survives retries (LiteLLM's `fallbacks`), then `default` for every group. */
  general: Record<string, string[]>;
  /** When the prompt is too long for the model (`context_window_fallbacks`). */
  contextWindow: Record<string, string[]>;
  /** When the provider refuses the content (`content_policy_fallbacks`). */
  contentPolicy: Record<string, string[]>;
  default: string[];
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

export interface GatewayConfig {
  host: string;
  port: number;
  /** Gateway processes sharing the port (`--num_workers`, NUM_WORKERS); 1 runs without a cluster. */
  numWorkers: number;
  /** Client connections each gateway process holds at once (`general_settings.max_connections…`). */
  connections: ConnectionLimits;
  deployments: Deployment[];
  /** Extra names for model groups: alias → model group. */
  aliases: Record<string, string>;
  dropParams: boolean;
  /** Global upstream timeout in milliseconds (`request_timeout`, default 600 s as in LiteLLM). */
  requestTimeoutMs: number;
  /** Retries of retryable upstream failures when a deployment sets no `max_retries`. */
  numRetries: number;
  fallbacks: Fallbacks;
  /**
   * Moderations for no model, or one the model list lacks: LiteLLM sends those to OpenAI itself
   * (`OPENAI_API_KEY`, `OPENAI_API_BASE`), and `general_settings.moderation_model` replaces the client's.
   */
  moderation?: { model?: string; openai: Deployment };
  /** LiteLLM's `router_settings.routing_strategy`. */
  routingStrategy:
    | 'simple-shuffle'
    | 'least-busy'
    | 'latency-based-routing'
    | 'usage-based-routing'
    | 'usage-based-routing-v2';
  /**
   * `router_settings.enable_tag_filtering`: a tagged request goes to the deployments carrying one of its
   * tags (all of them when `tag_filtering_match_any` is false). Unset: tags do not route.
   */
  tagFiltering?: { matchAny: boolean };
  /** Deployments that keep failing are left out of routing for a while (`allowed_fails`, `cooldown_time`). */
  cooldowns: { allowedFails: number; cooldownMs: number; disabled: boolean };
  /** `router_settings.redis_*`: where replicas share routing state; in this process when unset. */
  redis?: RedisSettings;
  masterKey?: string;
  /** LiteLLM's UI login (`POST /login`): `UI_USERNAME` (default `admin`), `UI_PASSWORD` (default the master key). */
  uiLogin?: { username: string; password: string };
  /**
   * PostgreSQL for virtual keys, spend and models (`general_settings.database_url`, `DATABASE_URL`);
   * unset: the embedded SQLite file `accounts.db` beside the trace store.
   */
  databaseUrl?: string;
  /** `general_settings.disable_spend_logs`: no spend log rows; spend is still charged. */
  disableSpendLogs?: boolean;
  /** LiteLLM's budget alerts (`alerting: ["webhook"]`): the URL their events are posted to (`WEBHOOK_URL`). */
  budgetWebhook?: string;
  /** `litellm_settings.require_auth_for_metrics_endpoint`: `GET /metrics` asks for a key. */
  metricsRequireAuth?: boolean;
  /**
   * The request's `user` as the metrics' `end_user` label: `enable_end_user_cost_tracking_prometheus_only`
   * and neither `disable_end_user_cost_tracking` nor `…_prometheus_only`.
   */
  metricsEndUsers?: boolean;
  /** Origins of web pages that may call the gateway from another origin (`cors_allow_origins`); `*` is any. */
  corsAllowOrigins?: string[];
  /** Host names answered without a master key besides localhost and IP addresses (`allowed_hosts`). */
  allowedHosts?: string[];
  /** Largest accepted request body in bytes. */
  bodyLimitBytes: number;
  /**
   * How long a client may take to send its whole request, headers and body, before the server closes
   * the connection (`TOLLGATE_CLIENT_TIMEOUT`, seconds, default 60); also how long a stream waits for a
   * client that stopped reading. How long an answer takes is not limited by it.
   */
  clientTimeoutMs: number;
  logLevel: LogLevel;
  /** Leave prompts (`input.value`, input messages) out of spans. */
  hideInputs: boolean;
  /** Leave answers (`output.value`, output messages) out of spans. */
  hideOutputs: boolean;
  /**
   * Host names, addresses and CIDR ranges alert webhooks may call although they are loopback, private,
   * link-local, … (`general_settings.webhook_allowed_hosts`, `TOLLGATE_WEBHOOK_ALLOWED_HOSTS`); none when unset.
   */
  webhookAllowedHosts?: string[];
  /** Where the config came from, for the start-up banner. */
  source: { configPath?: string; defaultModel?: 'openai' | 'demo' };
}

/**
 * Caps on open client connections, per process (each --num_workers worker has its own): a connection
 * past either is closed as soon as it is accepted.
 */
export interface ConnectionLimits {
  /** In all. */
  max: number;
  /** From one client address (an IPv6 client: its /64). */
  perClient: number;
}

/** A Redis server for shared routing state (LiteLLM's `router_settings.redis_url` / `redis_host`…). */
export interface RedisSettings {
  /** `redis://[user:password@]host:port[/db]` (or `rediss://`); wins over host and port. */
  url?: string;
  host?: string;
  port?: number;
  password?: string;
}
