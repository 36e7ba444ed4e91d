/** The deployments to serve: config.yaml's model_list, plus `--model`, or a default when there are none. */
import { buildDeployment, ensureUniqueIds, envValue } from './deployment.ts';
import type { ConfigFlags } from './flags.ts';
import type { FileConfig, ModelEntry } from './schema.ts';
import type { Deployment, GatewayConfig } from './types.ts';
import { isWildcard, wildcardDeployment } from './wildcard.ts';

export interface ModelList {
  deployments: Deployment[];
  defaultModel?: GatewayConfig['source']['defaultModel'];
}

/** `label` names the config file in messages. */
export function resolveModelList(
  flags: ConfigFlags,
  file: FileConfig,
  env: NodeJS.ProcessEnv,
  label: string,
  warnings: string[],
): ModelList {
  const deployments = (file.model_list ?? []).map((entry, i) =>
    (isWildcard(entry) ? wildcardDeployment : buildDeployment)(
      entry,
      `${label}: model_list[${i}].litellm_params.model`,
      env,
      warnings,
    ),
  );
  // As in LiteLLM, --model adds a deployment; with --config it joins the config's list.
  if (flags.model !== undefined)
    deployments.push(buildDeployment(flagEntry(flags.model, flags), '--model', env, warnings));
  else warnUnusedModelFlags(flags, warnings);
  let defaultModel: ModelList['defaultModel'];
  if (deployments.length === 0) {
    // Nothing configured: serve OpenAI's small model when a key is at hand, else the offline demo model,
    // so that a bare `tollgate` answers something instead of starting with no models.
    defaultModel = envValue(env, 'OPENAI_API_KEY') ? 'openai' : 'demo';
    const entry =
      defaultModel === 'openai'
        ? { model_name: 'gpt-4o-mini', litellm_params: { model: 'openai/gpt-4o-mini' } }
        : { model_name: 'demo', litellm_params: { model: 'mock/demo' } };
    deployments.push(buildDeployment(entry, 'default model', env, warnings));
  }
  if (flags.model === undefined) {
    // LiteLLM applies --temperature and --max_tokens to every request, replacing the client's value.
    // Here they become each deployment's default parameters, which a client's own value still overrides.
    for (const d of deployments) Object.assign(d.params, flagParams(flags));
  }
  ensureUniqueIds(deployments, label);
  return defaultModel === undefined ? { deployments } : { deployments, defaultModel };
}

/** `--model X [--alias A]`: group A (or X as typed), with the model-scoped flags in its params. */
function flagEntry(model: string, flags: ConfigFlags): ModelEntry {
  const params: ModelEntry['litellm_params'] = { model, ...flagParams(flags) };
  if (flags.apiBase !== undefined) params.api_base = flags.apiBase;
  if (flags.apiVersion !== undefined) params.api_version = flags.apiVersion;
  return { model_name: flags.alias ?? model, litellm_params: params };
}

function flagParams(flags: ConfigFlags): Record<string, number> {
  const params: Record<string, number> = {};
  if (flags.temperature !== undefined) params.temperature = flags.temperature;
  if (flags.maxTokens !== undefined) params.max_tokens = flags.maxTokens;
  return params;
}

function warnUnusedModelFlags(flags: ConfigFlags, warnings: string[]): void {
  const unused = [
    ['--alias', flags.alias],
    ['--api_base', flags.apiBase],
    ['--api_version', flags.apiVersion],
  ] as const;
  for (const [flag, value] of unused) {
    if (value !== undefined)
      warnings.push(`${flag} only applies to --model and is ignored (set it in config.yaml instead)`);
  }
}
