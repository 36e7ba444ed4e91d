/**
 * Reading attribute values the way OpenObserve's extractors read them. OpenObserve turns every scalar
 * attribute into a string before its extractors run (`"150"`, `"true"`, `"0.7"`), so a "string"
 * attribute there is any scalar here, and a number there is an integer or a numeric string here.
 * Key-value lists are JSON objects there, and arrays JSON arrays.
 */
import type { OtlpKeyValues, OtlpValue } from '../otlp/model.ts';

/** A span's (or resource's) attributes by their keys as sent; the last of a repeated key wins. */
export type Attrs = ReadonlyMap<string, OtlpValue>;

/** JSON as parsed: what an extracted input or output, or a parsed parameter object, is. */
export type Json = null | boolean | number | bigint | string | Json[] | { [key: string]: Json };

/** The value as a string, for any scalar: what OpenObserve's `as_str()` sees after it stringified it. */
export function text(value: OtlpValue | undefined): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  return undefined;
}

/** A trimmed, non-empty string value. */
export function nonEmpty(value: OtlpValue | undefined): string | undefined {
  const s = text(value)?.trim();
  return s === undefined || s === '' ? undefined : s;
}

/** An integer: an integral number or a string of digits (`"12.5"` and `true` are not, as there). */
export function int(value: OtlpValue | Json | undefined): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && /^[+-]?\d+$/.test(value)) return Number(value);
  return undefined;
}

/** A number: any finite number or a numeric string. */
export function float(value: OtlpValue | Json | undefined): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && value !== '' && value.trim() === value) {
    const n = Number(value);
    return Number.isNaN(n) ? undefined : n;
  }
  return undefined;
}

/** An object given as a key-value list or as JSON text (`{"temperature": 0.2}`); anything else is none. */
export function object(value: OtlpValue | undefined): Record<string, Json> | undefined {
  if (typeof value === 'string') {
    try {
      const parsed = JSON.parse(value) as Json;
      return isObject(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
  if (isKvlist(value)) return toJson(value) as Record<string, Json>;
  return undefined;
}

export function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isKvlist(value: OtlpValue | undefined): value is OtlpKeyValues {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function toJson(value: OtlpValue): Json {
  if (Array.isArray(value)) return value.map(toJson);
  if (isKvlist(value)) {
    const out: Record<string, Json> = {};
    for (const [k, v] of value.kvlist) out[k] = toJson(v);
    return out;
  }
  return value;
}

/** JSON back into an attribute value: objects become key-value lists, so a row flattens them with `_`. */
export function fromJson(value: Json): OtlpValue {
  if (Array.isArray(value)) return value.map(fromJson);
  if (isObject(value)) return { kvlist: Object.entries(value).map(([k, v]) => [k, fromJson(v)]) };
  return value;
}

/** The first of `keys` the attributes have, with its value. */
export function first(attrs: Attrs, keys: readonly string[]): OtlpValue | undefined {
  for (const key of keys) {
    const value = attrs.get(key);
    if (value !== undefined) return value;
  }
  return undefined;
}
