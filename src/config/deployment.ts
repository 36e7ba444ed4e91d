/** One `model_list` entry (or the `--model` flag) as the Deployment the gateway routes to. */
import { createHash } from 'node:crypto';
import { descriptorFor } from '../providers/catalog.ts';
import type { ProviderDescriptor } from '../providers/descriptor.ts';
import { ConfigError } from './config-error.ts';
import { parseModelString } from './provider.ts';
import { type LitellmParams, litellmParamsSchema, type ModelEntry } from './schema.ts';
import type { Deployment } from './types.ts';

/** `litellm_params` keys with a meaning of their own; every other key is a default request parameter. */
const OWN_KEYS: ReadonlySet<string> = new Set(Object.keys(litellmParamsSchema.shape));

/**
 * Builds a Deployment; an unsupported provider is a ConfigError naming `modelPath` (where the model
 * string was written: `config.yaml: model_list[2].litellm_params.model`, or `--model`). Values the
 * entry leaves out come from the provider's environment variables (its catalog descriptor).
 */
export function buildDeployment(
  entry: ModelEntry,
  modelPath: string,
  env: NodeJS.ProcessEnv,
  warnings: string[],
): Deployment {
  const p = entry.litellm_params;
  const ref = parseModelString(p.model, p.custom_llm_provider);
  if (!ref.ok) throw new ConfigError(`${modelPath}: ${ref.reason}`);
  const descriptor = descriptorFor(ref.provider);
  const fromEnv = (names: readonly string[] = []) =>
    names.map((n) => envValue(env, n)).find((v) => v !== undefined);
  const apiBase = p.api_base ?? fromEnv(descriptor?.env.base);
  if (descriptor?.apiBaseRequired && apiBase === undefined)
    throw new ConfigError(`${modelPath}: ${apiBaseMissing(ref.provider, descriptor)}`);
  const apiKey = p.api_key ?? fromEnv(descriptor?.env.key);
  if (descriptor?.keyExpected && apiKey === undefined) {
    // Not fatal: the upstream answers 401, which the client sees as a clean auth error.
    const names = descriptor.env.key ?? [];
    warnings.push(`model "${entry.model_name}": no api_key and ${names.join(' / ')} is not set`);
  }
  const modelInfo: Record<string, unknown> = { ...entry.model_info };
  const deployment: Deployment = {
    id: entry.model_info?.id ?? derivedId(entry.model_name, p.model, apiBase),
    modelName: entry.model_name,
    provider: ref.provider,
    model: ref.model,
    litellmModel: p.model,
    params: requestParams(p),
    modelInfo,
  };
  setDefined(deployment, {
    apiBase,
    apiKey,
    apiVersion: p.api_version ?? fromEnv(descriptor?.env.version),
    timeoutMs: p.timeout === undefined ? undefined : p.timeout * 1000,
    maxRetries: p.num_retries ?? p.max_retries,
    mockTimeout: p.mock_timeout,
    dropParams: p.drop_params,
    rpm: p.rpm,
    tpm: p.tpm,
    weight: p.weight,
    tags: p.tags,
    regionName: p.region_name,
  });
  return deployment;
}

/**
 * Gives every deployment a unique id. Explicit `model_info.id`s must be unique (LiteLLM reports a
 * deployment by id, and two with one id cannot be told apart). Derived ids of identical entries, which
 * is how some configs weight a deployment, get a `-2`, `-3`, … suffix.
 */
export function ensureUniqueIds(deployments: Deployment[], label: string): void {
  const owners = new Map<string, number>();
  for (const [i, d] of deployments.entries()) {
    if (typeof d.modelInfo.id !== 'string') continue;
    const owner = owners.get(d.id);
    if (owner !== undefined) {
      throw new ConfigError(
        `${label}: model_list[${i}].model_info.id: "${d.id}" is already the id of model_list[${owner}]`,
      );
    }
    owners.set(d.id, i);
  }
  for (const [i, d] of deployments.entries()) {
    if (typeof d.modelInfo.id === 'string') continue;
    let id = d.id;
    for (let n = 2; owners.has(id); n++) id = `${d.id}-${n}`;
    d.id = id;
    owners.set(id, i);
  }
}

/** A short, stable id: the same entry gets the same id on every start and on every replica. */
export function derivedId(modelName: string, litellmModel: string, apiBase: string | undefined): string {
  return createHash('sha256')
    .update(`${modelName}\0${litellmModel}\0${apiBase ?? ''}`)
    .digest('hex')
    .slice(0, 12);
}

/**
 * Why a deployment without an address cannot start, from the descriptor so every such provider says it
 * alike: `an azure/ deployment needs api_base (or AZURE_API_BASE): https://<resource>.openai.azure.com`.
 */
function apiBaseMissing(prefix: string, descriptor: ProviderDescriptor): string {
  const article = /^[aeiou]/.test(prefix) ? 'an' : 'a';
  const names = descriptor.env.base?.length ? ` (or ${descriptor.env.base.join(' / ')})` : '';
  const example = descriptor.apiBaseRequired?.example;
  return `${article} ${prefix}/ deployment needs api_base${names}${example ? `: ${example}` : ''}`;
}

/** An environment variable, treating set-but-blank (`OPENAI_API_KEY=` in a .env) as unset. */
export function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}

function requestParams(p: LitellmParams): Record<string, unknown> {
  return Object.fromEntries(Object.entries(p).filter(([key]) => !OWN_KEYS.has(key)));
}

/** Copies only defined values, so optional fields stay absent rather than present-and-undefined. */
function setDefined(target: Deployment, values: Partial<Deployment>): void {
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) Object.assign(target, { [key]: value });
  }
}
