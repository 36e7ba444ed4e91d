/**
 * Takes every key Tollgate does not act on out of the parsed config.yaml, with a warning naming its
 * path, before validation. Values of the wrong shape are left in place for the schema to report.
 */
import {
  GENERAL_SETTINGS,
  INERT_PARAMS,
  LITELLM_PARAMS,
  LITELLM_SETTINGS,
  ROUTER_SETTINGS,
  TOP_LEVEL,
  UNKNOWN,
} from './key-rules.ts';
import {
  configSchema,
  generalSettingsSchema,
  litellmSettingsSchema,
  modelEntrySchema,
  routerSettingsSchema,
} from './schema.ts';

type Data = Record<string, unknown>;

export const isRecord = (value: unknown): value is Data =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The config with ignored keys removed, and one warning per ignored key. */
export function screenKeys(raw: Data): { data: Data; warnings: string[] } {
  const warnings: string[] = [];
  const data = section(raw, '', keysOf(configSchema.shape), TOP_LEVEL, warnings);
  const sections = [
    ['litellm_settings', litellmSettingsSchema.shape, LITELLM_SETTINGS],
    ['router_settings', routerSettingsSchema.shape, ROUTER_SETTINGS],
    ['general_settings', generalSettingsSchema.shape, GENERAL_SETTINGS],
  ] as const;
  for (const [name, shape, rules] of sections) {
    const value = data[name];
    if (isRecord(value)) data[name] = section(value, name, keysOf(shape), rules, warnings);
  }
  if (isRecord(data.environment_variables)) {
    data.environment_variables = withoutNulls(data.environment_variables);
  }
  if (Array.isArray(data.model_list)) data.model_list = modelList(data.model_list, warnings);
  return { data, warnings };
}

function modelList(entries: unknown[], warnings: string[]): unknown[] {
  // A config with 40 deployments would repeat the same warning 40 times: report each key once.
  const seen = new Map<string, { first: string; more: number; note: string }>();
  const screened = entries.map((entry, i) => {
    if (!isRecord(entry)) return entry;
    const kept = section(entry, `model_list[${i}]`, keysOf(modelEntrySchema.shape), {}, warnings);
    if (isRecord(kept.model_info)) kept.model_info = withoutNulls(kept.model_info);
    if (!isRecord(kept.litellm_params)) return kept;
    // Built from entries so that a YAML key named `__proto__` stays a plain key.
    const params: Array<[string, unknown]> = [];
    for (const [key, value] of Object.entries(kept.litellm_params)) {
      if (value === null) continue;
      const ignored = own(LITELLM_PARAMS, key);
      if (ignored === undefined) params.push([key, value]);
      const note = ignored ?? own(INERT_PARAMS, key);
      if (note === undefined) continue;
      const known = seen.get(key);
      if (known) known.more++;
      else seen.set(key, { first: `model_list[${i}].litellm_params.${key}`, more: 0, note });
    }
    kept.litellm_params = Object.fromEntries(params);
    return kept;
  });
  for (const { first, more, note } of seen.values()) {
    warnings.push(
      `${first}${more > 0 ? ` (and ${more} more model_list ${more === 1 ? 'entry' : 'entries'})` : ''}${note}`,
    );
  }
  return screened;
}

/** Keeps the keys in `known`; warns about the rest. `key:` with no value is YAML null: LiteLLM reads it as unset. */
function section(
  value: Data,
  path: string,
  known: ReadonlySet<string>,
  rules: Readonly<Record<string, string>>,
  warnings: string[],
): Data {
  const kept: Data = {};
  for (const [key, v] of Object.entries(value)) {
    if (known.has(key)) {
      if (v !== null) kept[key] = v;
      continue;
    }
    warnings.push(`${path ? `${path}.` : ''}${key}${own(rules, key) ?? UNKNOWN}`);
  }
  return kept;
}

function withoutNulls(value: Data): Data {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null));
}

/** A rule for `key`, ignoring inherited names: a YAML key may well be `constructor`. */
const own = (rules: Readonly<Record<string, string>>, key: string): string | undefined =>
  Object.hasOwn(rules, key) ? rules[key] : undefined;

const keysOf = (shape: object): ReadonlySet<string> => new Set(Object.keys(shape));
