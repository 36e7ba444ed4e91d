/**
 * Where a value sits in a JSON text, as `line L column C`: OpenObserve's JSON extractor (serde_json)
 * ends its refusals with the position it had read to, and clients print that message as it comes.
 * The text has already parsed, so the scanner can be lenient about anything but strings and nesting.
 */

/** Index of the first and last character of the value at `path` (object keys), or undefined. */
export function locate(text: string, path: readonly string[]): [number, number] | undefined {
  let i = skipSpace(text, 0);
  for (const key of path) {
    if (text[i] !== '{') return undefined;
    const found = findKey(text, i, key);
    if (found === undefined) return undefined;
    i = found;
  }
  return [i, valueEnd(text, i)];
}

/** ` at line L column C` for the character at `index` (1-based column, as serde_json counts). */
export function position(text: string, index: number): string {
  const before = text.slice(0, index + 1);
  const line = before.split('\n').length;
  const column = index + 1 - (before.lastIndexOf('\n') + 1);
  return ` at line ${line} column ${column}`;
}

/** Start of the value of `key` in the object opening at `open`. */
function findKey(text: string, open: number, key: string): number | undefined {
  let i = skipSpace(text, open + 1);
  while (i < text.length && text[i] !== '}') {
    const keyEnd = valueEnd(text, i);
    const name = JSON.parse(text.slice(i, keyEnd + 1)) as string;
    const colon = skipSpace(text, keyEnd + 1);
    const value = skipSpace(text, colon + 1);
    if (name === key) return value;
    i = skipSpace(text, valueEnd(text, value) + 1);
    if (text[i] === ',') i = skipSpace(text, i + 1);
  }
  return undefined;
}

/** Index of the last character of the value starting at `i`. */
function valueEnd(text: string, i: number): number {
  const c = text[i];
  if (c === '"') {
    let j = i + 1;
    while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
    return j;
  }
  if (c === '{' || c === '[') {
    let depth = 0;
    for (let j = i; j < text.length; j++) {
      const d = text[j];
      if (d === '"') j = valueEnd(text, j);
      else if (d === '{' || d === '[') depth++;
      else if ((d === '}' || d === ']') && --depth === 0) return j;
    }
    return text.length - 1;
  }
  let j = i;
  while (j + 1 < text.length && !/[\s,}\]]/.test(text[j + 1] as string)) j++;
  return j;
}

function skipSpace(text: string, i: number): number {
  let j = i;
  while (j < text.length && /\s/.test(text[j] as string)) j++;
  return j;
}
