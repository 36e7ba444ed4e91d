/**
 * Whether and where the embedded trace store runs. On by default when spans are not exported anywhere
 * else; `--trace_store <file>` (or TOLLGATE_TRACE_STORE) keeps them here as well as in OpenObserve;
 * `off` turns it off. Retention: TOLLGATE_TRACE_RETENTION_DAYS and TOLLGATE_TRACE_STORE_MAX_MB.
 */
import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from './config-error.ts';

export interface TraceStoreSettings {
  /** Absolute file path, or `:memory:`. */
  path: string;
  maxAgeMs: number;
  maxBytes: number;
}

export const DEFAULT_TRACE_STORE = '.tollgate/traces.db';
const OFF = new Set(['off', 'false', '0', 'no', 'none']);
const DAY_MS = 86_400_000;

export function resolveTraceStore(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  cwd: string,
  exportsElsewhere: boolean,
): TraceStoreSettings | undefined {
  const asked = (flag ?? env.TOLLGATE_TRACE_STORE)?.trim();
  if (asked !== undefined && OFF.has(asked.toLowerCase())) return undefined;
  if (!asked && exportsElsewhere) return undefined;
  const where = asked || DEFAULT_TRACE_STORE;
  return {
    path: where === ':memory:' || isAbsolute(where) ? where : resolve(cwd, where),
    maxAgeMs: positive(env, 'TOLLGATE_TRACE_RETENTION_DAYS', 7) * DAY_MS,
    maxBytes: positive(env, 'TOLLGATE_TRACE_STORE_MAX_MB', 1024) * 1024 * 1024,
  };
}

/** A number > 0, or 0 for "no limit". */
function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0)
    throw new ConfigError(`${name} must be a number ≥ 0 (0 means no limit), got "${raw}"`);
  return n;
}
