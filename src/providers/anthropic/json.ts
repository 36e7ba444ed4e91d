/** Narrowing helpers for the untyped JSON that crosses the translation in both directions. */
import { isJsonObject, type JsonObject } from '../../shared/json.ts';

export const isObject = isJsonObject;

/** The value when it is an object, else an empty one: absent fields then read as undefined. */
export const objectOr = (value: unknown): JsonObject => (isObject(value) ? value : {});

export const finiteNumber = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;
