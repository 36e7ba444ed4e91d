/**
 * A model added at run time (`/model/new`, stored in the accounts database) as the Deployment the
 * gateway routes to: read and built by the same rules as a config.yaml `model_list` entry (the schema,
 * `os.environ/` references, provider keys from the environment, wildcards). Keys config.yaml would
 * ignore with a warning (`litellm_params` that steer LiteLLM itself) are left out of the request
 * parameters here too.
 */
import { ConfigError } from './config-error.ts';
import { buildDeployment } from './deployment.ts';
import { resolveEnvRefs } from './env-refs.ts';
import { LITELLM_PARAMS } from './key-rules.ts';
import { modelEntrySchema } from './schema.ts';
import type { Deployment } from './types.ts';
import { isWildcard, wildcardDeployment } from './wildcard.ts';

/** `entry`: `{model_name, litellm_params, model_info}` with `model_info.id` set. Throws a ConfigError. */
export function runtimeDeployment(entry: unknown, env: NodeJS.ProcessEnv): Deployment {
  const { data, problems } = resolveEnvRefs(entry, env);
  if (problems.length > 0)
    throw new ConfigError(problems.map((p) => `${p.path.join('.')}: ${p.text}`).join('; '));
  const parsed = modelEntrySchema.safeParse(data);
  if (!parsed.success)
    throw new ConfigError(
      parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
    );
  const model = parsed.data;
  for (const key of Object.keys(model.litellm_params))
    if (Object.hasOwn(LITELLM_PARAMS, key)) delete model.litellm_params[key];
  const label = `model "${model.model_name}"`;
  const warnings: string[] = [];
  return (isWildcard(model) ? wildcardDeployment : buildDeployment)(
    model,
    `${label}: litellm_params.model`,
    env,
    warnings,
  );
}
