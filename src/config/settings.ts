/** Gateway-wide settings from flags, config.yaml and the environment, in that order of precedence. */
import { parseAllowedHosts } from '../shared/allowed-hosts.ts';
import { budgetWebhook } from './budget-webhook.ts';
import { ConfigError } from './config-error.ts';
import { connectionLimits } from './connection-limits.ts';
import { envValue } from './deployment.ts';
import type { ConfigFlags } from './flags.ts';
import type { FileConfig } from './schema.ts';
import { listSetting, wholeNumberFromEnv } from './setting-values.ts';
import type { GatewayConfig, LogLevel, RedisSettings } from './types.ts';
import { resolveWebAccess } from './web-access.ts';

const MIB = 1024 * 1024;
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

export type Settings = Omit<GatewayConfig, 'deployments' | 'source'>;

/** Everything but the deployments. `label` names the config file in messages. */
export function resolveSettings(
  flags: ConfigFlags,
  file: FileConfig,
  env: NodeJS.ProcessEnv,
  label: string,
  warnings: string[],
): Settings {
  const ls = file.litellm_settings ?? {};
  const rs = file.router_settings ?? {};
  const gs = file.general_settings ?? {};
  const settings: Settings = {
    // Loopback unless asked: a gateway that stores prompts should not be reachable from the network by accident.
    host: flags.host ?? envValue(env, 'HOST') ?? '127.0.0.1',
    port: flags.port ?? portFromEnv(env) ?? 4000,
    numWorkers: flags.numWorkers ?? workersFromEnv(env),
    connections: connectionLimits(gs, env),
    aliases: aliases(rs.model_group_alias ?? {}, warnings),
    dropParams: flags.dropParams || (ls.drop_params ?? false),
    // LiteLLM's default upstream timeout is 600 s; router_settings.timeout is its older spelling.
    requestTimeoutMs: (flags.requestTimeout ?? ls.request_timeout ?? rs.timeout ?? 600) * 1000,
    numRetries: ls.num_retries ?? rs.num_retries ?? 0,
    // router_settings is where LiteLLM's Router reads them; litellm_settings is the older place.
    fallbacks: {
      general: merged(ls.fallbacks, rs.fallbacks),
      contextWindow: merged(ls.context_window_fallbacks, rs.context_window_fallbacks),
      contentPolicy: merged(ls.content_policy_fallbacks, rs.content_policy_fallbacks),
      default: rs.default_fallbacks ?? ls.default_fallbacks ?? [],
    },
    routingStrategy: strategy(rs.routing_strategy, label, warnings),
    tagFiltering: rs.enable_tag_filtering ? { matchAny: rs.tag_filtering_match_any ?? true } : undefined,
    // LiteLLM's defaults: 3 failures within a minute, then 5 s out of routing.
    cooldowns: {
      allowedFails: rs.allowed_fails ?? ls.allowed_fails ?? 3,
      cooldownMs: (rs.cooldown_time ?? 5) * 1000,
      disabled: rs.disable_cooldowns ?? false,
    },
    bodyLimitBytes: Math.round((gs.max_request_size_mb ?? 16) * MIB),
    clientTimeoutMs: clientTimeout(env) * 1000,
    logLevel: logLevel(flags, env, warnings),
    // OpenInference's own switches, or LiteLLM's turn_off_message_logging for both.
    hideInputs: isTrue(envValue(env, 'OPENINFERENCE_HIDE_INPUTS')) || (ls.turn_off_message_logging ?? false),
    hideOutputs:
      isTrue(envValue(env, 'OPENINFERENCE_HIDE_OUTPUTS')) || (ls.turn_off_message_logging ?? false),
  };
  const redis = redisSettings(rs);
  if (redis) settings.redis = redis;
  const masterKey = resolveMasterKey(gs.master_key, env, label);
  if (masterKey !== undefined) settings.masterKey = masterKey;
  const uiPassword = envValue(env, 'UI_PASSWORD') ?? masterKey;
  if (uiPassword !== undefined)
    settings.uiLogin = { username: envValue(env, 'UI_USERNAME') ?? 'admin', password: uiPassword };
  const databaseUrl = resolveDatabaseUrl(gs.database_url, env, label);
  if (databaseUrl !== undefined) settings.databaseUrl = databaseUrl;
  if (gs.disable_spend_logs === true) settings.disableSpendLogs = true;
  const webhook = budgetWebhook(gs, env, label, warnings);
  if (webhook !== undefined) settings.budgetWebhook = webhook;
  if (ls.require_auth_for_metrics_endpoint === true) settings.metricsRequireAuth = true;
  if (
    ls.enable_end_user_cost_tracking_prometheus_only === true &&
    ls.disable_end_user_cost_tracking !== true &&
    ls.disable_end_user_cost_tracking_prometheus_only !== true
  )
    settings.metricsEndUsers = true;
  settings.webhookAllowedHosts = webhookAllowedHosts(gs.webhook_allowed_hosts, env, label);
  Object.assign(settings, resolveWebAccess(gs, env, label, masterKey, warnings));
  return settings;
}

/**
 * A blank master key is refused rather than treated as "no key": the person who set it meant to require
 * one, and running open instead would be the wrong way to fail. The key itself is never in a message.
 */
function resolveMasterKey(
  fromFile: string | undefined,
  env: NodeJS.ProcessEnv,
  label: string,
): string | undefined {
  if (fromFile !== undefined) {
    if (fromFile.trim() === '') throw new ConfigError(`${label}: general_settings.master_key is empty`);
    return fromFile;
  }
  for (const name of ['LITELLM_MASTER_KEY', 'TOLLGATE_MASTER_KEY']) {
    const value = env[name];
    if (value === undefined) continue;
    if (value.trim() === '')
      throw new ConfigError(
        `${name} is set but empty: give it a value, or unset it to run without a master key`,
      );
    return value;
  }
  return undefined;
}

/** config.yaml's `database_url`, else `DATABASE_URL` (LiteLLM's order); only PostgreSQL's URLs. */
function resolveDatabaseUrl(
  fromFile: string | undefined,
  env: NodeJS.ProcessEnv,
  label: string,
): string | undefined {
  const url = fromFile?.trim() || env.DATABASE_URL?.trim() || undefined;
  if (url === undefined) return undefined;
  if (!/^postgres(ql)?:\/\//i.test(url))
    throw new ConfigError(
      `${fromFile?.trim() ? `${label}: general_settings.database_url` : 'DATABASE_URL'} must be a PostgreSQL URL (postgresql://user:password@host:5432/db); leave it unset to keep keys and spend in the embedded SQLite file`,
    );
  return url;
}

/** config.yaml's list, else TOLLGATE_WEBHOOK_ALLOWED_HOSTS (comma-separated); an entry that is not one is an error. */
function webhookAllowedHosts(
  fromFile: string[] | undefined,
  env: NodeJS.ProcessEnv,
  label: string,
): string[] {
  const hosts = listSetting(
    fromFile,
    `${label}: general_settings.webhook_allowed_hosts`,
    env,
    'TOLLGATE_WEBHOOK_ALLOWED_HOSTS',
  );
  const parsed = parseAllowedHosts(hosts.values);
  if ('invalid' in parsed)
    throw new ConfigError(`${hosts.from}: "${parsed.invalid}" is not a host name, IP address or CIDR range`);
  return hosts.values;
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && ['true', '1', 'yes'].includes(value.trim().toLowerCase());
}

function portFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const raw = envValue(env, 'PORT');
  if (raw === undefined) return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT must be a whole number from 0 to 65535 (0 picks a free port), got "${raw}"`);
  }
  return port;
}

/** TOLLGATE_CLIENT_TIMEOUT: seconds a client has to send its request (a trickling client is cut off). */
function clientTimeout(env: NodeJS.ProcessEnv): number {
  const raw = envValue(env, 'TOLLGATE_CLIENT_TIMEOUT');
  if (raw === undefined) return 60;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new ConfigError(`TOLLGATE_CLIENT_TIMEOUT must be a number of seconds > 0, got "${raw}"`);
  return seconds;
}

/** `--detailed_debug` wins; `--debug` is LiteLLM's info level, which is already the default. */
function logLevel(flags: ConfigFlags, env: NodeJS.ProcessEnv, warnings: string[]): LogLevel {
  if (flags.detailedDebug) return 'debug';
  const raw = envValue(env, 'TOLLGATE_LOG_LEVEL');
  if (raw === undefined) return 'info';
  const level = LOG_LEVELS.find((l) => l === raw.trim().toLowerCase());
  if (level) return level;
  warnings.push(`TOLLGATE_LOG_LEVEL="${raw}" is not one of ${LOG_LEVELS.join(', ')}; using info`);
  return 'info';
}

type AliasTarget = string | { model: string; hidden?: boolean | undefined };

/** router_settings.model_group_alias: `{ alias: group }` or LiteLLM's `{ alias: { model, hidden } }`. */
function aliases(raw: Record<string, AliasTarget>, warnings: string[]): Record<string, string> {
  const entries = Object.entries(raw).map(([alias, target]): [string, string] => {
    if (typeof target === 'string') return [alias, target];
    if (target.hidden) {
      warnings.push(
        `router_settings.model_group_alias.${alias}.hidden is not supported yet: the alias is listed in /v1/models`,
      );
    }
    return [alias, target.model];
  });
  return Object.fromEntries(entries);
}

/** LiteLLM's list of one-key maps as one map; router_settings' entry wins for a group in both. */
function merged(...lists: Array<Array<Record<string, string[]>> | undefined>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const list of lists) for (const entry of list ?? []) Object.assign(out, entry);
  return out;
}

const STRATEGIES = [
  'simple-shuffle',
  'least-busy',
  'latency-based-routing',
  'usage-based-routing',
  'usage-based-routing-v2',
] as const;

/** A strategy Tollgate does not have (cost-based-routing) runs as simple-shuffle, with a warning. */
function strategy(value: string | undefined, label: string, warnings: string[]): Settings['routingStrategy'] {
  if (value === undefined) return 'simple-shuffle';
  const known = STRATEGIES.find((s) => s === value);
  if (known) return known;
  warnings.push(
    `${label}: router_settings.routing_strategy "${value}" is not supported yet; using simple-shuffle`,
  );
  return 'simple-shuffle';
}

/** router_settings' Redis: `redis_url`, or `redis_host` with `redis_port` (6379) and `redis_password`. */
function redisSettings(rs: NonNullable<FileConfig['router_settings']>): RedisSettings | undefined {
  const password = rs.redis_password === '' ? undefined : rs.redis_password;
  if (rs.redis_url) return { url: rs.redis_url, password };
  if (!rs.redis_host) return undefined;
  return { host: rs.redis_host, port: rs.redis_port ?? 6379, password };
}

/** NUM_WORKERS, as LiteLLM reads it; 1 when unset. */
function workersFromEnv(env: NodeJS.ProcessEnv): number {
  return wholeNumberFromEnv(env, 'NUM_WORKERS') ?? 1;
}
