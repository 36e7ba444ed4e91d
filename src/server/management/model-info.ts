/**
 * Deployments and model groups as LiteLLM's `/model/info` and `/model_group/info` describe them.
 * Credentials never leave: `api_key` and its kind are removed from `litellm_params`, any other value
 * under a name that says secret (nested headers too) is masked, and a password in `api_base` hidden.
 */
import type { Principal } from '../../accounts/accounts.ts';
import { mayUse as keyMayUse } from '../../accounts/admission.ts';
import type { StoredModel } from '../../accounts/runtime-models.ts';
import type { Deployment } from '../../config/types.ts';
import { costOf } from '../../gateway/cost.ts';
import { accessGroupsOf, type ModelRegistry, teamsOf } from '../../gateway/model-registry.ts';
import { isJsonObject, type JsonObject } from '../../shared/json.ts';
import { isAdmin } from '../principal.ts';

const REMOVED = new Set([
  'api_key',
  'client_secret',
  'vertex_credentials',
  'aws_access_key_id',
  'aws_secret_access_key',
]);
const SECRET_NAME =
  /(api[-_]?key|secret|password|passphrase|credential|authorization|private|(^|[-_])token$|access[-_]token|session[-_]token)/i;
const MASK = '********';

/** `litellm_params` fit to show: credentials removed or masked, at any depth. */
export function maskParams(params: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [name, value] of Object.entries(params)) {
    if (REMOVED.has(name)) continue;
    out[name] = maskValue(name, value);
  }
  return out;
}

function maskValue(name: string, value: unknown): unknown {
  if (SECRET_NAME.test(name) && value !== null && value !== undefined) return MASK;
  if (typeof value === 'string' && name === 'api_base') return value.replace(/\/\/[^/@]*@/, `//${MASK}@`);
  if (Array.isArray(value)) return value.map((v) => maskValue('', v));
  if (isJsonObject(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskValue(k, v)]));
  return value;
}

/** A deployment's `litellm_params` as config.yaml would have written them. */
function paramsOf(d: Deployment): JsonObject {
  const params: JsonObject = { ...(d.params as JsonObject), model: d.litellmModel };
  const set = (name: string, value: unknown) => {
    if (value !== undefined) params[name] = value;
  };
  set('api_base', d.apiBase);
  set('api_version', d.apiVersion);
  set('timeout', d.timeoutMs === undefined ? undefined : d.timeoutMs / 1000);
  set('max_retries', d.maxRetries);
  set('drop_params', d.dropParams);
  set('rpm', d.rpm);
  set('tpm', d.tpm);
  set('weight', d.weight);
  set('tags', d.tags);
  set('region_name', d.regionName);
  return params;
}

/** Per-token prices: the deployment's own, else the price table's (an approximation for tiered prices). */
function pricesOf(d: Deployment): { input: number | null; output: number | null } {
  const million = 1_000_000;
  const input = costOf(d, { promptTokens: million, completionTokens: 0, totalTokens: million });
  const output = costOf(d, { promptTokens: 0, completionTokens: million, totalTokens: million });
  return {
    input: input === undefined ? null : input.prompt / million,
    output: output === undefined ? null : output.completion / million,
  };
}

const number = (v: unknown): number | null => (typeof v === 'number' ? v : null);

/** One `/model/info` entry: `{model_name, litellm_params, model_info}`. */
export function deploymentInfo(d: Deployment, registry: ModelRegistry, stored?: StoredModel): JsonObject {
  const prices = pricesOf(d);
  const info = d.modelInfo;
  return {
    model_name: d.modelName,
    litellm_params: maskParams(stored?.litellm_params ?? paramsOf(d)),
    model_info: {
      ...info,
      id: d.id,
      db_model: registry.isDynamic(d.id),
      key: d.model,
      litellm_provider: d.provider,
      mode: typeof info.mode === 'string' ? info.mode : null,
      input_cost_per_token: number(info.input_cost_per_token) ?? prices.input,
      output_cost_per_token: number(info.output_cost_per_token) ?? prices.output,
      max_tokens: number(info.max_tokens),
      max_input_tokens: number(info.max_input_tokens),
      max_output_tokens: number(info.max_output_tokens),
      ...(stored === undefined
        ? {}
        : {
            created_at: stored.created_at,
            updated_at: stored.updated_at,
            created_by: stored.created_by,
            updated_by: stored.updated_by,
          }),
    },
  };
}

/** One `/model_group/info` entry, from the group's deployments. */
export function groupInfo(name: string, deployments: Deployment[]): JsonObject {
  const infos = deployments.map((d) => d.modelInfo);
  const first = (field: string): number | null => {
    for (const info of infos) if (typeof info[field] === 'number') return info[field] as number;
    return null;
  };
  const flag = (field: string) => infos.some((info) => info[field] === true);
  const prices = deployments.map(pricesOf);
  const sum = (values: Array<number | undefined>) =>
    values.some((v) => v !== undefined) ? values.reduce<number>((a, v) => a + (v ?? 0), 0) : null;
  return {
    model_group: name,
    providers: [...new Set(deployments.map((d) => d.provider))],
    max_input_tokens: first('max_input_tokens') ?? first('max_tokens'),
    max_output_tokens: first('max_output_tokens'),
    input_cost_per_token:
      first('input_cost_per_token') ?? prices.find((p) => p.input !== null)?.input ?? null,
    output_cost_per_token:
      first('output_cost_per_token') ?? prices.find((p) => p.output !== null)?.output ?? null,
    mode: infos.map((i) => i.mode).find((m) => typeof m === 'string') ?? 'chat',
    tpm: sum(deployments.map((d) => d.tpm)),
    rpm: sum(deployments.map((d) => d.rpm)),
    supports_parallel_function_calling: flag('supports_parallel_function_calling'),
    supports_vision: flag('supports_vision'),
    supports_web_search: flag('supports_web_search'),
    supports_url_context: flag('supports_url_context'),
    supports_reasoning: flag('supports_reasoning'),
    supports_function_calling: flag('supports_function_calling'),
    supported_openai_params: [],
    configurable_clientside_auth_params: null,
    is_public_model_group: false,
  };
}

/** Whether the caller may use a model group: everything for the master key and proxy admins. */
export function mayUse(principal: Principal | undefined, group: string, deployments: Deployment[]): boolean {
  if (principal === undefined || isAdmin(principal)) return true;
  return keyMayUse(principal, {
    names: [group],
    accessGroups: accessGroupsOf(deployments),
    teams: teamsOf(deployments),
  });
}
