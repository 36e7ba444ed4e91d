/**
 * Readers for settings that come from config.yaml or, when it does not set them, from the environment
 * (config.yaml wins, as everywhere): lists written either way, and whole numbers in a variable.
 */
import { ConfigError } from './config-error.ts';
import { envValue } from './deployment.ts';

/**
 * A list from config.yaml (a list, or one comma-separated string), else from a comma-separated
 * variable; entries trimmed, empty ones left out, each passed through `check`. `from` names the source,
 * for messages: `fileKey` or `variable`.
 */
export function listSetting(
  fromFile: string | string[] | undefined,
  fileKey: string,
  env: NodeJS.ProcessEnv,
  variable: string,
  check: (value: string, from: string) => string = (value) => value,
): { values: string[]; from: string } {
  const from = fromFile !== undefined ? fileKey : variable;
  const raw = fromFile ?? envValue(env, variable) ?? [];
  const items = typeof raw === 'string' ? raw.split(',') : raw;
  const values = items.map((item) => item.trim()).filter((item) => item !== '');
  return { values: values.map((value) => check(value, from)), from };
}

/** A variable holding a whole number ≥ 1; undefined when unset, a ConfigError when it holds anything else. */
export function wholeNumberFromEnv(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = envValue(env, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new ConfigError(`${name} must be a whole number ≥ 1, got "${raw}"`);
  return n;
}
