/** Flags + environment + `.env` + config.yaml → the GatewayConfig the gateway runs with. */

import { resolve } from 'node:path';
import { readConfigFile } from './config-file.ts';
import { buildDeployment } from './deployment.ts';
import { loadDotenv } from './dotenv.ts';
import type { ConfigFlags } from './flags.ts';
import { resolveModelList } from './model-list.ts';
import type { FileConfig } from './schema.ts';
import { resolveSettings } from './settings.ts';
import type { GatewayConfig } from './types.ts';

export interface LoadedConfig {
  config: GatewayConfig;
  /** Things the user should know but that do not stop the gateway, the CLI's own included. */
  warnings: string[];
}

/**
 * Resolves the configuration. `.env` is read first (it fills gaps in `env`), then config.yaml (whose
 * `environment_variables` are written into `env`, as LiteLLM does to os.environ), then flags override.
 * Throws ConfigError for anything that must be fixed before the gateway can start.
 */
export async function loadConfig(
  flags: ConfigFlags,
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<LoadedConfig> {
  const warnings = [...flags.warnings];
  loadDotenv(env, cwd);
  const label = flags.config ?? 'config.yaml';
  let file: FileConfig = {};
  let configPath: string | undefined;
  if (flags.config !== undefined) {
    configPath = resolve(cwd, flags.config);
    const read = readConfigFile(configPath, flags.config, env);
    file = read.config;
    warnings.push(...read.warnings);
  }
  const { deployments, defaultModel } = resolveModelList(flags, file, env, label, warnings);
  const settings = resolveSettings(flags, file, env, label, warnings);
  const groups = new Set(deployments.map((d) => d.modelName));
  for (const [alias, group] of Object.entries(settings.aliases)) {
    if (!groups.has(group)) {
      warnings.push(
        `router_settings.model_group_alias.${alias}: model group "${group}" is not in model_list`,
      );
    }
  }
  // Its missing key is no start-up warning: only moderations for models not in the list would use it.
  const openai = buildDeployment(
    { model_name: 'omni-moderation-latest', litellm_params: { model: 'openai/omni-moderation-latest' } },
    'moderations',
    env,
    [],
  );
  settings.moderation = { model: file.general_settings?.moderation_model, openai };
  const source: GatewayConfig['source'] = {};
  if (configPath !== undefined) source.configPath = configPath;
  if (defaultModel !== undefined) source.defaultModel = defaultModel;
  // The same warning can arise once per deployment (e.g. a missing key in a group of five): say it once.
  return { config: { ...settings, deployments, source }, warnings: [...new Set(warnings)] };
}
