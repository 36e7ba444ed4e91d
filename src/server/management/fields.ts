/**
 * The management API's request bodies, read against a list of LiteLLM's fields and their types. A
 * field of the wrong type is a 422, as LiteLLM's (FastAPI's) validation answers; fields not listed are
 * left out, so nothing a client makes up is stored.
 */

import { isDuration } from '../../accounts/durations.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { isJsonObject, type JsonObject } from '../../shared/json.ts';

export type FieldKind = 'string' | 'number' | 'int' | 'bool' | 'strings' | 'object' | 'duration' | 'json';

export type FieldSpec = Readonly<Record<string, FieldKind>>;

/** Text fields longer than this are refused: ids, aliases and emails, not documents. */
const MAX_TEXT = 1024;
/** JSON fields (metadata, …) larger than this, as JSON, are refused. */
const MAX_JSON = 64 * 1024;

export function invalid(message: string): GatewayError {
  return new GatewayError(message, { status: 422, type: 'invalid_request_error', code: '422' });
}

export function bodyObject(body: unknown): JsonObject {
  if (body === undefined || body === null) return {};
  if (!isJsonObject(body)) throw invalid('The request body must be a JSON object.');
  return body;
}

/** The listed fields of `body` that are set (null means unset, as pydantic's Optional does). */
export function readFields(body: JsonObject, spec: FieldSpec): JsonObject {
  const out: JsonObject = {};
  for (const [name, kind] of Object.entries(spec)) {
    const value = body[name];
    if (value === undefined || value === null) continue;
    out[name] = check(name, kind, value);
  }
  return out;
}

function check(name: string, kind: FieldKind, value: unknown): unknown {
  const fail = (what: string) => invalid(`${name}: ${what}`);
  switch (kind) {
    case 'string':
      if (typeof value !== 'string') throw fail('must be a string');
      if (value.length > MAX_TEXT) throw fail(`at most ${MAX_TEXT} characters`);
      return value;
    case 'duration':
      if (!isDuration(value)) throw fail('must be a duration such as "30s", "10m", "1h", "7d", "1mo"');
      return value;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw fail('must be a number');
      return value;
    case 'int':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw fail('must be an integer');
      return value;
    case 'bool':
      if (typeof value !== 'boolean') throw fail('must be true or false');
      return value;
    case 'strings':
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v.length <= MAX_TEXT))
        throw fail('must be a list of strings');
      return value;
    case 'object':
      if (!isJsonObject(value)) throw fail('must be an object');
      if (JSON.stringify(value).length > MAX_JSON) throw fail(`at most ${MAX_JSON} bytes of JSON`);
      return value;
    case 'json':
      if (JSON.stringify(value).length > MAX_JSON) throw fail(`at most ${MAX_JSON} bytes of JSON`);
      return value;
  }
}

/** A query string parameter as text, or undefined. */
export function queryText(query: unknown, name: string): string | undefined {
  const value = isJsonObject(query) ? query[name] : undefined;
  const text = Array.isArray(value) ? value[0] : value;
  return typeof text === 'string' && text !== '' ? text : undefined;
}

export function queryInt(query: unknown, name: string, fallback: number, max: number): number {
  const text = queryText(query, name);
  const n = text === undefined ? fallback : Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw invalid(`${name}: must be a positive integer`);
  return Math.min(n, max);
}

export function notFound(message: string): GatewayError {
  return new GatewayError(message, { status: 404, type: 'not_found_error', code: '404' });
}

export function badInput(message: string): GatewayError {
  return new GatewayError(message, { status: 400, type: 'bad_request_error', code: '400' });
}

/**
 * The listed fields a body sets to null on purpose: an update clears them (LiteLLM's updates apply the
 * fields a request sets, null included: `{"max_budget": null}` removes the budget).
 */
export function clearedFields(body: JsonObject, spec: FieldSpec, keep: readonly string[] = []): JsonObject {
  const out: JsonObject = {};
  for (const [name, kind] of Object.entries(spec)) {
    if (body[name] !== null || keep.includes(name)) continue;
    out[name] = kind === 'strings' ? [] : kind === 'object' ? {} : null;
  }
  return out;
}
