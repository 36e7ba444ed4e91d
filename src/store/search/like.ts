/**
 * LIKE matching done by hand, for `ILIKE` and `match_all`: `%` any run, `_` one character, `\` escapes
 * the next, compared case-insensitively (Unicode lower case, as DataFusion's ILIKE). No regex: a
 * pattern is user text, and this runs in linear space and O(value × pattern) time at worst.
 */
export function ilike(value: string, pattern: string): boolean {
  const v = Array.from(value.toLowerCase());
  const p = parse(pattern.toLowerCase());
  let vi = 0;
  let pi = 0;
  let starP = -1;
  let starV = 0;
  while (vi < v.length) {
    const token = p[pi];
    if (token !== undefined && token !== ANY_RUN && (token === ANY_ONE || token === v[vi])) {
      vi++;
      pi++;
    } else if (token === ANY_RUN) {
      starP = pi++;
      starV = vi;
    } else if (starP >= 0) {
      pi = starP + 1;
      vi = ++starV;
    } else return false;
  }
  while (p[pi] === ANY_RUN) pi++;
  return pi === p.length;
}

const ANY_RUN = Symbol('%');
const ANY_ONE = Symbol('_');
type Part = string | typeof ANY_RUN | typeof ANY_ONE;

function parse(pattern: string): Part[] {
  const parts: Part[] = [];
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    if (c === '\\' && i + 1 < chars.length) parts.push(chars[++i] as string);
    else if (c === '%') parts.push(ANY_RUN);
    else if (c === '_') parts.push(ANY_ONE);
    else parts.push(c);
  }
  return parts;
}
