/**
 * JSON types every layer shares. A leaf module: it imports nothing, so any layer may use it without
 * reaching into another layer's internals.
 */

/** A parsed JSON object, before (or without) a schema giving it a narrower type. */
export type JsonObject = Record<string, unknown>;

/** True for a plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
