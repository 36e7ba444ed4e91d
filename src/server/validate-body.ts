/** Checks a parsed body against its endpoint's schema and explains the first problem in plain words. */
import type { z } from 'zod';
import { badRequest, type GatewayError } from '../errors/gateway-error.ts';
import type { Endpoint } from '../providers/spec.ts';
import type { JsonObject } from '../shared/json.ts';
import { REQUEST_SCHEMAS } from './request-schemas.ts';

export function validateBody(endpoint: Endpoint, body: unknown): JsonObject {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest(`The request body must be a JSON object, got ${describe(body)}.`, null, 'invalid_body');
  }
  const result = REQUEST_SCHEMAS[endpoint].safeParse(body);
  if (!result.success) throw explain(result.error.issues[0], body);
  return body as JsonObject;
}

function explain(issue: z.core.$ZodIssue | undefined, body: object): GatewayError {
  if (issue === undefined) return badRequest('The request body is invalid.');
  const param = formatPath(issue.path);
  const value = valueAt(body, issue.path);
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined)
        return badRequest(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter');
      return badRequest(
        `Invalid type for '${param}': expected ${article(issue.expected)}, got ${describe(value)}.`,
        param,
        'invalid_type',
      );
    case 'too_small':
      if (Array.isArray(value)) {
        return badRequest(`Invalid '${param}': the array must not be empty.`, param, 'empty_array');
      }
      if (typeof value === 'string')
        return badRequest(`Invalid '${param}': must not be empty.`, param, 'invalid_value');
      return badRequest(
        `Invalid '${param}': ${String(value)} is below the minimum of ${String(issue.minimum)}.`,
        param,
        'invalid_value',
      );
    case 'too_big':
      return badRequest(
        `Invalid '${param}': ${String(value)} is above the maximum of ${String(issue.maximum)}.`,
        param,
        'invalid_value',
      );
    case 'invalid_value':
      return badRequest(
        `Invalid value for '${param}': expected one of ${issue.values.map(String).join(', ')}.`,
        param,
        'invalid_value',
      );
    case 'invalid_union':
      return badRequest(
        `Invalid type for '${param}': got ${describe(value)}, which is not one of the accepted forms.`,
        param,
        'invalid_type',
      );
    default:
      // A custom check (an uploaded file) fails on a missing field too.
      if (issue.code === 'custom' && value === undefined && issue.path.length > 0)
        return badRequest(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter');
      return badRequest(`Invalid '${param}': ${issue.message}.`, param, 'invalid_value');
  }
}

function formatPath(path: PropertyKey[]): string {
  let out = '';
  for (const key of path)
    out += typeof key === 'number' ? `[${key}]` : `${out === '' ? '' : '.'}${String(key)}`;
  return out || 'body';
}

function valueAt(body: object, path: PropertyKey[]): unknown {
  let current: unknown = body;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'a string';
  return `${article(typeof value)} (${String(value)})`;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
