/** The command line: LiteLLM's `litellm` flags, so that `litellm …` becomes `tollgate …` unchanged. */
import { type ParseArgsOptionsConfig, parseArgs as parseNodeArgs } from 'node:util';
import type { ConfigFlags } from '../config/flags.ts';
import { usageErrorFrom } from './args-errors.ts';
import { UsageError } from './usage-error.ts';

/**
 * What the command line asked for: the values the configuration takes (`ConfigFlags`, which config/
 * defines so that it never depends on this parser) and the commands that only the CLI acts on.
 */
export interface CliArgs extends ConfigFlags {
  debug: boolean;
  version: boolean;
  health: boolean;
  validateConfig: boolean;
  help: boolean;
  /** Trace store file, `:memory:` or `off` (Tollgate's own flag). */
  traceStore?: string;
  /** A LiteLLM PostgreSQL URL whose keys, users, teams, … are copied into the accounts database. */
  importLitellmDb?: string;
  /** Accepted for LiteLLM compatibility, not used yet (a warning says so). */
  maxBudget?: number;
}

/** Every flag, by LiteLLM's underscore name. `--help` and the docs describe exactly these. */
export const OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  config: { type: 'string', short: 'c' },
  num_workers: { type: 'string' },
  model: { type: 'string', short: 'm' },
  alias: { type: 'string' },
  api_base: { type: 'string' },
  api_version: { type: 'string' },
  temperature: { type: 'string' },
  max_tokens: { type: 'string' },
  drop_params: { type: 'boolean' },
  request_timeout: { type: 'string' },
  max_budget: { type: 'string' },
  debug: { type: 'boolean' },
  detailed_debug: { type: 'boolean' },
  version: { type: 'boolean', short: 'v' },
  health: { type: 'boolean' },
  validate_config: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  trace_store: { type: 'string' },
  import_litellm_db: { type: 'string' },
} as const satisfies ParseArgsOptionsConfig;

/** Flags also accepted with dashes (`--api-base`), since most other tools spell them that way. */
export const DASH_SYNONYMS: ReadonlySet<string> = new Set(
  Object.keys(OPTIONS).filter((name) => name.includes('_')),
);

/** Parses `process.argv.slice(2)`; throws `UsageError` for anything it cannot take as written. */
export function parseArgs(argv: string[]): CliArgs {
  let parsed: ReturnType<typeof parseFlags>;
  try {
    parsed = parseFlags(argv.map(underscoreSpelling));
  } catch (error) {
    throw usageErrorFrom(error, Object.keys(OPTIONS));
  }
  const v = parsed.values;
  const warnings: string[] = [];
  const numWorkers = numberFlag(
    'num_workers',
    v.num_workers,
    (n) => Number.isInteger(n) && n >= 1,
    'a whole number ≥ 1',
  );
  const maxBudget = numberFlag('max_budget', v.max_budget, (n) => n >= 0, 'a number ≥ 0');
  if (maxBudget !== undefined)
    warnings.push('--max_budget is not supported yet and is ignored: no spend limit is enforced');
  return {
    host: text('host', v.host),
    port: numberFlag(
      'port',
      v.port,
      (n) => Number.isInteger(n) && n >= 0 && n <= 65535,
      'a whole number from 0 to 65535 (0 picks a free port)',
    ),
    model: text('model', v.model),
    alias: text('alias', v.alias),
    apiBase: text('api_base', v.api_base),
    apiVersion: text('api_version', v.api_version),
    dropParams: v.drop_params ?? false,
    config: text('config', v.config),
    requestTimeout: numberFlag('request_timeout', v.request_timeout, (n) => n > 0, 'a number of seconds > 0'),
    temperature: numberFlag('temperature', v.temperature, (n) => n >= 0 && n <= 2, 'a number from 0 to 2'),
    maxTokens: numberFlag(
      'max_tokens',
      v.max_tokens,
      (n) => Number.isInteger(n) && n >= 1,
      'a whole number ≥ 1',
    ),
    debug: v.debug ?? false,
    detailedDebug: v.detailed_debug ?? false,
    version: v.version ?? false,
    health: v.health ?? false,
    validateConfig: v.validate_config ?? false,
    help: v.help ?? false,
    traceStore: text('trace_store', v.trace_store),
    importLitellmDb: text('import_litellm_db', v.import_litellm_db),
    numWorkers,
    maxBudget,
    warnings,
  };
}

function parseFlags(args: string[]) {
  return parseNodeArgs({ args, options: OPTIONS, strict: true, allowPositionals: false });
}

/** `--api-base=x` → `--api_base=x`, so that each flag has one name from here on. */
function underscoreSpelling(arg: string): string {
  if (!arg.startsWith('--')) return arg;
  const eq = arg.indexOf('=');
  const name = arg.slice(2, eq === -1 ? undefined : eq).replaceAll('-', '_');
  if (!DASH_SYNONYMS.has(name)) return arg;
  return `--${name}${eq === -1 ? '' : arg.slice(eq)}`;
}

function text(flag: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (raw.trim() === '') throw new UsageError(`--${flag} needs a value, got an empty string`);
  return raw.trim();
}

function numberFlag(flag: string, raw: string | undefined, ok: (n: number) => boolean, expected: string) {
  if (raw === undefined) return undefined;
  const n = raw.trim() === '' ? Number.NaN : Number(raw);
  if (!Number.isFinite(n) || !ok(n)) throw new UsageError(`--${flag} must be ${expected}, got "${raw}"`);
  return n;
}
