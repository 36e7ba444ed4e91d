/**
 * Wildcard entries, as in LiteLLM: `model_name: "anthropic/*"` with `model: "anthropic/*"` serves every
 * Anthropic model by its name, `model_name: "*"` with `model: "*"` every model of every provider (the
 * provider read from the name the client sends). Each `*` of `model` takes the text the `*`s of
 * `model_name` matched. The entry is checked once at start; the deployment for a concrete name is built
 * when a client first asks for it, with the same rules (keys, `api_base`, parameters) as every other entry.
 */
import { buildDeployment } from './deployment.ts';
import type { ModelEntry } from './schema.ts';
import type { Deployment } from './types.ts';

export const isWildcard = (entry: ModelEntry): boolean =>
  entry.model_name.includes('*') || entry.litellm_params.model.includes('*');

export function wildcardDeployment(
  entry: ModelEntry,
  modelPath: string,
  env: NodeJS.ProcessEnv,
  warnings: string[],
): Deployment {
  const anyProvider = entry.litellm_params.model === '*';
  // `model: "*"` names no provider; which one (and its key) is known only from a client's model name.
  const template = buildDeployment(entry, modelPath, env, anyProvider ? [] : warnings);
  template.expand = (captures) => {
    let model = entry.litellm_params.model;
    for (const part of captures) model = model.replace('*', part);
    const concrete: ModelEntry = { ...entry, litellm_params: { ...entry.litellm_params, model } };
    try {
      const d = buildDeployment(concrete, modelPath, env, []);
      // One id per concrete model, so that a failing model cools down alone, not the whole wildcard.
      d.id = model === entry.litellm_params.model ? template.id : `${template.id}/${model}`;
      return d;
    } catch (err) {
      return err instanceof Error ? err.message.replace(`${modelPath}: `, '') : String(err);
    }
  };
  return template;
}
