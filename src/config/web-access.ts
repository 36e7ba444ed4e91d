/**
 * Which web pages and host names may use the gateway: `general_settings.cors_allow_origins` (LiteLLM's
 * key; `LITELLM_CORS_ALLOW_ORIGINS`) and `general_settings.allowed_hosts` (`TOLLGATE_ALLOWED_HOSTS`).
 * Each is a list or one comma-separated string; config.yaml wins over the environment, as everywhere.
 */
import { ConfigError } from './config-error.ts';
import type { FileConfig } from './schema.ts';
import { listSetting } from './setting-values.ts';

type GeneralSettings = NonNullable<FileConfig['general_settings']>;

export interface WebAccess {
  corsAllowOrigins?: string[];
  allowedHosts?: string[];
}

/** A DNS name (letters, digits, `-`, `_`), optionally `*.` for every subdomain of it. */
const HOST_NAME = /^(?:\*\.)?[a-z0-9_-]+(?:\.[a-z0-9_-]+)*$/;

export function resolveWebAccess(
  gs: GeneralSettings,
  env: NodeJS.ProcessEnv,
  label: string,
  masterKey: string | undefined,
  warnings: string[],
): WebAccess {
  const access: WebAccess = {};
  const origins = listSetting(
    gs.cors_allow_origins,
    `${label}: general_settings.cors_allow_origins`,
    env,
    'LITELLM_CORS_ALLOW_ORIGINS',
    origin,
  );
  const hosts = listSetting(
    gs.allowed_hosts,
    `${label}: general_settings.allowed_hosts`,
    env,
    'TOLLGATE_ALLOWED_HOSTS',
    hostName,
  );
  if (origins.values.length > 0) access.corsAllowOrigins = origins.values;
  if (hosts.values.length > 0) access.allowedHosts = hosts.values;
  if (masterKey === undefined && origins.values.includes('*'))
    warnings.push(
      `${origins.from} allows every origin ("*") and there is no master key: any web page can use the gateway`,
    );
  if (masterKey === undefined && hosts.values.includes('*'))
    warnings.push(
      `${hosts.from} allows every host name ("*") and there is no master key: DNS rebinding protection is off`,
    );
  return access;
}

/** `scheme://host[:port]` as browsers send it in `Origin` (lower case, no default port), or `*`. */
function origin(value: string, from: string): string {
  if (value === '*') return value;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (
    !url ||
    url.host === '' ||
    url.username ||
    url.password ||
    url.search ||
    url.hash ||
    (url.pathname !== '/' && url.pathname !== '')
  )
    throw new ConfigError(
      `${from}: "${value}" is not an origin; write scheme://host[:port], e.g. https://app.example.com`,
    );
  // URL.origin is "null" for schemes other than http(s), such as browser extensions' own.
  return url.origin === 'null' ? `${url.protocol}//${url.host}` : url.origin;
}

function hostName(value: string, from: string): string {
  const name = value.toLowerCase().replace(/\.$/, '');
  if (name === '*' || HOST_NAME.test(name)) return name;
  throw new ConfigError(
    `${from}: "${value}" is not a host name; write a name without scheme or port (tollgate.internal), or *.domain for its subdomains`,
  );
}
