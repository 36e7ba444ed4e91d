/** LiteLLM's `os.environ/NAME` values, and its `environment_variables` section. */
import type { KeyPath } from './yaml-file.ts';

export const ENV_PREFIX = 'os.environ/';

export interface EnvProblem {
  path: KeyPath;
  text: string;
}

/**
 * Sets each `environment_variables` entry in `env`. LiteLLM does `os.environ[key] = str(value)`, so the
 * config wins over the real environment (and over `.env`); we do the same so that a config behaves as it
 * did under LiteLLM. A value that is itself `os.environ/NAME` copies that variable; when it is unset the
 * entry is skipped with a warning, again as LiteLLM does, since these entries mostly feed integrations
 * Tollgate does not have. Entries of the wrong type are left for the schema to report.
 */
export function applyEnvironmentVariables(vars: unknown, env: NodeJS.ProcessEnv): string[] {
  if (typeof vars !== 'object' || vars === null || Array.isArray(vars)) return [];
  const warnings: string[] = [];
  for (const [name, value] of Object.entries(vars)) {
    if (typeof value === 'string' && value.startsWith(ENV_PREFIX)) {
      const source = value.slice(ENV_PREFIX.length);
      const resolved = source === '' ? undefined : env[source];
      if (resolved === undefined)
        warnings.push(`environment_variables.${name}: ${value} is not set; ${name} is left unchanged`);
      else env[name] = resolved;
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      env[name] = String(value);
    }
  }
  return warnings;
}

/**
 * Replaces every string `os.environ/NAME`, at any depth, with the variable's value. Unset variables are
 * collected rather than thrown one by one, so that a user fixes them all in one go. `environment_variables`
 * itself is skipped: `applyEnvironmentVariables` has handled it.
 */
export function resolveEnvRefs(
  data: unknown,
  env: NodeJS.ProcessEnv,
): { data: unknown; problems: EnvProblem[] } {
  const problems: EnvProblem[] = [];
  const walk = (value: unknown, path: Array<string | number>): unknown => {
    if (typeof value === 'string') return value.startsWith(ENV_PREFIX) ? lookup(value, path) : value;
    if (Array.isArray(value)) return value.map((item, i) => walk(item, [...path, i]));
    if (typeof value !== 'object' || value === null) return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => {
        const skip = path.length === 0 && key === 'environment_variables';
        return [key, skip ? item : walk(item, [...path, key])];
      }),
    );
  };
  const lookup = (ref: string, path: KeyPath): string | undefined => {
    const name = ref.slice(ENV_PREFIX.length);
    const value = name === '' ? undefined : env[name];
    if (value === undefined) {
      problems.push({ path, text: name === '' ? `${ENV_PREFIX} names no variable` : `${ref} is not set` });
    }
    return value;
  };
  return { data: walk(data, []), problems };
}
