/** config.yaml from file to validated data, with a warning for every key Tollgate does not act on. */
import { ConfigError } from './config-error.ts';
import { describeIssue, formatPath, kindOf } from './describe-issue.ts';
import { applyEnvironmentVariables, resolveEnvRefs } from './env-refs.ts';
import { configSchema, type FileConfig } from './schema.ts';
import { isRecord, screenKeys } from './screen-keys.ts';
import { type KeyPath, readYamlFile, type YamlSource } from './yaml-file.ts';

/** Problems listed in one error; past this, a user is better served fixing the first ones and retrying. */
const MAX_LISTED = 10;

/**
 * Reads config.yaml. Order matters: ignored keys go first (an unset `os.environ/` reference under a
 * setting we ignore must not stop the gateway), then `environment_variables` are applied (references
 * elsewhere may use them), then references are resolved, and only then are types checked, since a
 * reference may stand where a number belongs. `env` receives the config's `environment_variables`.
 */
export function readConfigFile(
  path: string,
  label: string,
  env: NodeJS.ProcessEnv,
): { config: FileConfig; warnings: string[] } {
  const source = readYamlFile(path, label);
  if (!isRecord(source.data)) {
    throw new ConfigError(
      `${label}: expected a mapping (model_list:, litellm_settings:, …) at the top level, got ${kindOf(source.data)}`,
    );
  }
  const screened = screenKeys(source.data);
  const warnings = [...screened.warnings];
  warnings.push(...applyEnvironmentVariables(screened.data.environment_variables, env));
  const resolved = resolveEnvRefs(screened.data, env);
  if (resolved.problems.length > 0) throw configError(source, resolved.problems);
  const parsed = configSchema.safeParse(resolved.data, { reportInput: true });
  if (!parsed.success) throw configError(source, parsed.error.issues.map(describeIssue));
  return { config: parsed.data, warnings };
}

function configError(source: YamlSource, problems: Array<{ path: KeyPath; text: string }>): ConfigError {
  const lines = problems.slice(0, MAX_LISTED).map(({ path, text }) => {
    const line = source.lineOf(path);
    // "model is required" and "timeout must be …" read as sentences; "model: expected a string" needs the colon.
    const joiner = /^(is|must) /.test(text) ? ' ' : ': ';
    const where = path.length > 0 ? `${formatPath(path)}${joiner}` : '';
    return `${source.label}: ${where}${text}${line === undefined ? '' : ` (line ${line})`}`;
  });
  if (problems.length > MAX_LISTED) lines.push(`… and ${problems.length - MAX_LISTED} more problems`);
  return new ConfigError(lines.join('\n'));
}
