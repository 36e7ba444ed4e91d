/**
 * How many client connections a gateway process holds at once. Each one is a file descriptor, and so
 * is each upstream call, the trace store's files and the log: with no cap, a client holding thousands
 * of idle connections used up the process's files and every new connection, and upstream call, failed.
 */
import { readFileSync } from 'node:fs';
import type { FileConfig } from './schema.ts';
import { wholeNumberFromEnv } from './setting-values.ts';
import type { ConnectionLimits } from './types.ts';

/** Descriptors kept for what is not a connection: the store and its worker, logs, DNS, Node itself. */
const RESERVED_FILES = 256;
/** Past this, memory rather than descriptors is what runs out (each idle connection costs kernel buffers). */
const MAX_DEFAULT = 16_384;
/** When the open-files limit cannot be read (not Linux) or is unlimited. */
const FALLBACK = 4096;
/** One address may hold this share of the total by default, so one client cannot take them all. */
const PER_CLIENT_SHARE = 8;

type GeneralSettings = NonNullable<FileConfig['general_settings']>;

/**
 * `general_settings.max_connections` / `max_connections_per_client`, else TOLLGATE_MAX_CONNECTIONS /
 * TOLLGATE_MAX_CONNECTIONS_PER_CLIENT, else derived: half of the open files left after a reserve (a
 * client connection busy with a request holds an upstream connection too), and an eighth of the total
 * per address.
 */
export function connectionLimits(
  gs: GeneralSettings,
  env: NodeJS.ProcessEnv,
  openFiles: () => number | undefined = openFilesLimit,
): ConnectionLimits {
  const max =
    gs.max_connections ?? wholeNumberFromEnv(env, 'TOLLGATE_MAX_CONNECTIONS') ?? defaultMax(openFiles());
  const perClient =
    gs.max_connections_per_client ??
    wholeNumberFromEnv(env, 'TOLLGATE_MAX_CONNECTIONS_PER_CLIENT') ??
    Math.max(1, Math.ceil(max / PER_CLIENT_SHARE));
  return { max, perClient: Math.min(perClient, max) };
}

function defaultMax(openFiles: number | undefined): number {
  if (openFiles === undefined) return FALLBACK;
  return Math.max(16, Math.min(MAX_DEFAULT, Math.floor((openFiles - RESERVED_FILES) / 2)));
}

/** The soft limit on open files (`ulimit -n`, which Node raises to the hard limit at start), on Linux. */
export function openFilesLimit(read = () => readFileSync('/proc/self/limits', 'utf8')): number | undefined {
  let text: string;
  try {
    text = read();
  } catch {
    return undefined;
  }
  const soft = /^Max open files\s+(\d+)/m.exec(text)?.[1];
  return soft === undefined ? undefined : Number(soft);
}
