// Derives the gateway's config.yaml from one of LiteLLM's own (proxy_server_config.yaml, or the config its
// CI starts the otel suite with), at run time, so that nothing of LiteLLM's is kept in this repository.
// Every upstream the file names is pointed at the local mock upstream:
//   - each model's api_base (given or the provider's default) → the mock, with the path shape that
//     provider uses (`/v1` for OpenAI-compatible ones, the bare origin for Azure, Anthropic and Gemini);
//   - a misspelled copy of the public fake endpoint's host (the suite's deliberately broken deployment)
//     → a closed local port, so it still fails, as its unresolvable host does;
//   - pass-through targets and `os.environ/…_API_BASE` references → the mock;
//   - other `os.environ/NAME` references left unset in this shell → a fixed placeholder value;
//   - Redis settings are dropped unless REDIS_HOST is set (CI has a Redis; this harness starts none).
// DATABASE_URL is not written: the gateway reads it from the environment, as LiteLLM does.
//
// `--drop N` (repeatable) leaves out entry N (0-based, of the original model_list): run.sh drops the
// entries the gateway refuses to start with (a provider it does not support) and reports them. Beside
// <out> it writes <out>.entries: for each model_list entry written, its original index, one a line.
//
// Run: node scripts/litellm-suite/make-config.ts --in <litellm config> --out <file> --mock http://127.0.0.1:PORT [--drop N]…

import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse, stringify } from 'yaml';

type Json = Record<string, unknown>;

/** The public fake OpenAI endpoint the suite's configs use. */
const FAKE_HOST = 'exampleopenaiendpoint-production.up.railway.app';
/** A local port nothing listens on: connections are refused at once. */
const CLOSED = 'http://127.0.0.1:9';

/** Providers whose api_base is the origin, the client adding the whole path itself. */
const ORIGIN_PROVIDERS = new Set(['azure', 'azure_text', 'azure_ai', 'anthropic', 'gemini']);

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function providerOf(model: string): string {
  const slash = model.indexOf('/');
  return slash > 0 ? model.slice(0, slash) : 'openai';
}

function mockBase(mock: string, provider: string): string {
  return ORIGIN_PROVIDERS.has(provider) ? mock : `${mock}/v1`;
}

/** Where a configured api_base now points. */
function rewriteBase(base: string, mock: string, provider: string): string {
  let host = '';
  try {
    host = new URL(base).hostname;
  } catch {
    return CLOSED;
  }
  if (host !== FAKE_HOST && host.startsWith('exampleopenaiendpoint')) return CLOSED;
  // The public fake endpoint has its own answers (fixed usage): the mock plays it under /fake-openai.
  if (host === FAKE_HOST) return `${mock}/fake-openai/v1`;
  return mockBase(mock, provider);
}

/** Replaces `os.environ/NAME` strings that this shell leaves unset, recursively. */
function resolveEnvRefs(value: unknown, mock: string, key = ''): unknown {
  if (typeof value === 'string') {
    const ref = /^os\.environ\/(\w+)$/.exec(value);
    if (!ref?.[1] || process.env[ref[1]] !== undefined) return value;
    if (/API_BASE|_BASE_URL|_ENDPOINT$/.test(ref[1]) || key === 'api_base') return `${mock}/v1`;
    return `mock-${ref[1].toLowerCase()}`;
  }
  if (Array.isArray(value)) return value.map((item) => resolveEnvRefs(item, mock));
  if (isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveEnvRefs(v, mock, k)]));
  }
  return value;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      in: { type: 'string' },
      out: { type: 'string' },
      mock: { type: 'string' },
      drop: { type: 'string', multiple: true, default: [] },
    },
  });
  if (!values.in || !values.out || !values.mock) {
    throw new Error('usage: make-config.ts --in <litellm config> --out <file> --mock <url>');
  }
  const mock = values.mock.replace(/\/+$/, '');
  const config = parse(readFileSync(values.in, 'utf8')) as Json;

  const dropped = new Set(values.drop.map(Number));
  const all: unknown[] = Array.isArray(config.model_list) ? config.model_list : [];
  const kept = all.map((entry, index) => ({ entry, index })).filter(({ index }) => !dropped.has(index));
  const models = kept.map(({ entry }) => entry);
  config.model_list = models;
  for (const entry of models) {
    if (!isObject(entry) || !isObject(entry.litellm_params)) continue;
    const params = entry.litellm_params;
    const provider = providerOf(String(params.model ?? ''));
    // An OpenAI model with no api_base of its own is api.openai.com, which the mock plays under /openai.
    const ownBase = typeof params.api_base === 'string' && !params.api_base.startsWith('os.environ/');
    params.api_base = ownBase
      ? rewriteBase(String(params.api_base), mock, provider)
      : provider === 'openai'
        ? `${mock}/openai/v1`
        : mockBase(mock, provider);
  }

  const general = isObject(config.general_settings) ? config.general_settings : undefined;
  const passThrough =
    general && Array.isArray(general.pass_through_endpoints) ? general.pass_through_endpoints : [];
  for (const endpoint of passThrough) {
    if (isObject(endpoint) && typeof endpoint.target === 'string') {
      endpoint.target = `${mock}${new URL(endpoint.target).pathname}`;
    }
  }

  const router = isObject(config.router_settings) ? config.router_settings : undefined;
  if (router && process.env.REDIS_HOST === undefined) {
    for (const key of Object.keys(router)) if (key.startsWith('redis_')) delete router[key];
  }

  const resolved = resolveEnvRefs(config, mock);
  writeFileSync(values.out, stringify(resolved, { lineWidth: 0 }));
  writeFileSync(`${values.out}.entries`, kept.map(({ index }) => `${index}\n`).join(''));
}

main();
