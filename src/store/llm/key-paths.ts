/**
 * Attributes flattened into key paths (`llm.input_messages.0.message.role`) put back together as JSON
 * (OpenObserve's `convert_key_path_to_nested_object`): a numeric first segment makes an array, padded
 * with empty objects, indexes above 100 dropped; other segments make objects.
 */
import type { OtlpValue } from '../otlp/model.ts';
import { type Json, toJson } from './values.ts';

const MAX_INDEX = 100;

/** The value of `prefix` itself, or the object or array its `prefix.…` keys describe; null without any. */
export function nestedValue(entries: ReadonlyArray<[string, OtlpValue]>, prefix: string): Json {
  const own = entries.find(([key]) => key === prefix);
  if (own) return toJson(own[1]);
  const dotted = `${prefix}.`;
  const paths: Array<[string[], Json]> = [];
  for (const [key, value] of entries)
    if (key.startsWith(dotted)) paths.push([key.slice(dotted.length).split('.'), toJson(value)]);
  if (paths.length === 0) return null;
  if (!paths.some(([path]) => isIndex(path[0]))) {
    const out: Record<string, Json> = {};
    for (const [path, value] of paths) setPath(out, path, value);
    return out;
  }
  let max = 0;
  for (const [path] of paths) if (isIndex(path[0])) max = Math.max(max, Number(path[0]));
  const array: Json[] = Array.from({ length: Math.min(max, MAX_INDEX) + 1 }, () => ({}));
  for (const [path, value] of paths) {
    if (!isIndex(path[0])) continue;
    const index = Number(path[0]);
    if (index < array.length) setPath(array[index] as Json, path.slice(1), value);
  }
  return array;
}

function isIndex(segment: string | undefined): boolean {
  return segment !== undefined && /^\d+$/.test(segment);
}

/** Sets `value` at `path` inside `target`, making objects (or arrays, for numeric segments) on the way. */
function setPath(target: Json, path: string[], value: Json): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (Array.isArray(target)) {
    if (!isIndex(head)) return;
    const index = Math.min(Number(head), MAX_INDEX);
    while (target.length <= index) target.push({});
    if (rest.length === 0) return;
    setPath(target[index] as Json, rest, value);
    return;
  }
  if (typeof target !== 'object' || target === null) return;
  if (rest.length === 0) {
    target[head] = value;
    return;
  }
  target[head] ??= isIndex(rest[0]) ? [] : {};
  setPath(target[head] as Json, rest, value);
}
