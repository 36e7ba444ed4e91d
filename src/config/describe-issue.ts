/**
 * zod issues as messages a person can act on: the key path as written in YAML
 * (`model_list[0].litellm_params.model`) and what was expected. Values are never quoted, since the
 * value at a wrong path may be a secret; only their kind is named.
 */
import type { z } from 'zod';
import type { KeyPath } from './yaml-file.ts';

type Issue = z.core.$ZodIssue;

const EXPECTED: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
};

/** `["model_list", 0, "model"]` → `model_list[0].model`. */
export function formatPath(path: KeyPath): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `${out ? '.' : ''}${String(part)}`;
  return out;
}

/** One issue as `{ path, text }`, with union failures narrowed to the branch the user most likely meant. */
export function describeIssue(issue: Issue): { path: KeyPath; text: string } {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'invalid_union') {
    // A branch that failed below its root matched the shape the user chose: report its own issue.
    const deeper = issue.errors.find((branch) => branch.length > 0 && branch.every((i) => i.path.length > 0));
    const first = deeper?.[0];
    if (first) {
      const inner = describeIssue(first);
      return { path: [...path, ...inner.path], text: inner.text };
    }
    const kinds = issue.errors
      .flat()
      .flatMap((i) =>
        i.code === 'invalid_type' ? [i.expected === 'boolean' ? 'a boolean' : expected(i.expected)] : [],
      );
    return { path, text: `expected ${joinOr([...new Set(kinds)])}, got ${kindOf(issue.input)}` };
  }
  return { path, text: describeText(issue) };
}

function describeText(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      if (issue.expected === 'int' && typeof issue.input === 'number')
        return 'expected a whole number, got a fraction';
      return `expected ${expected(issue.expected)}, got ${kindOf(issue.input)}`;
    case 'too_small':
      if (issue.origin === 'string') return 'must not be empty';
      return issue.inclusive ? `must be at least ${issue.minimum}` : `must be greater than ${issue.minimum}`;
    case 'too_big':
      return issue.inclusive ? `must be at most ${issue.maximum}` : `must be less than ${issue.maximum}`;
    default:
      return issue.message;
  }
}

const expected = (kind: string): string => EXPECTED[kind] ?? kind;

/** The YAML kind of a value, in YAML's words. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object') return 'mapping';
  return typeof value;
}

function joinOr(items: string[]): string {
  if (items.length <= 1) return items[0] ?? 'something else';
  return `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}
