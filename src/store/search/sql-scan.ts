/**
 * A small SQL scanner: enough to tell one SELECT from anything else (strings, quoted names and
 * comments are skipped correctly) and to see the top-level clauses of a query. The database's
 * authorizer is the real gate; this gives users a clear message before it (OpenObserve's 20001, "Search
 * SQL not valid", with the reason as its detail). `dialect.ts` rewrites what it finds.
 */
import { searchError } from './query-error.ts';

export interface Token {
  text: string;
  start: number;
  kind: 'word' | 'quoted' | 'string' | 'number' | 'punct';
  depth: number;
}

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let depth = 0;
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? n : end + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) throw searchError('sqlNotValid', 'The query has an unterminated /* comment');
      i = end + 2;
    } else if (c === "'" || c === '"' || c === '`' || c === '[') {
      const close = c === '[' ? ']' : c;
      let j = i + 1;
      for (;;) {
        const end = sql.indexOf(close, j);
        if (end < 0)
          throw searchError(
            'sqlNotValid',
            `The query has an unterminated ${c === "'" ? 'string' : 'quoted name'}`,
          );
        if (close !== ']' && sql[end + 1] === close) {
          j = end + 2;
          continue;
        }
        j = end + 1;
        break;
      }
      tokens.push({ text: sql.slice(i, j), start: i, kind: c === "'" ? 'string' : 'quoted', depth });
      i = j;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_$]/.test(sql[j] as string)) j++;
      tokens.push({ text: sql.slice(i, j), start: i, kind: 'word', depth });
      i = j;
    } else if (/[0-9.]/.test(c)) {
      let j = i + 1;
      while (j < n && /[0-9A-Za-z_.]/.test(sql[j] as string)) j++;
      tokens.push({ text: sql.slice(i, j), start: i, kind: 'number', depth });
      i = j;
    } else {
      if (c === ')') depth--;
      if (depth < 0) throw searchError('sqlNotValid', 'The query has an unbalanced ")"');
      tokens.push({ text: c, start: i, kind: 'punct', depth });
      if (c === '(') depth++;
      i++;
    }
  }
  if (depth !== 0) throw searchError('sqlNotValid', 'The query has an unbalanced "("');
  return tokens;
}

export interface SelectInfo {
  /** The query without trailing semicolons. */
  sql: string;
  /** Upper-cased keywords that appear outside any parentheses. */
  topLevel: Set<string>;
}

/** Accepts exactly one SELECT (or WITH … SELECT) statement; anything else is a 400 saying why. */
export function checkSelect(sql: string): SelectInfo {
  const tokens = tokenize(sql);
  while (tokens.at(-1)?.text === ';') tokens.pop();
  if (tokens.length === 0) throw searchError('sqlNotValid', 'The SQL query is empty');
  if (tokens.some((t) => t.text === ';'))
    throw searchError(
      'sqlNotValid',
      'Only one SQL statement is allowed per search; remove the ";" between statements',
    );
  const first = tokens[0] as Token;
  const keyword = first.text.toUpperCase();
  if (first.kind !== 'word' || (keyword !== 'SELECT' && keyword !== 'WITH'))
    throw searchError(
      'sqlNotValid',
      `Only SELECT queries are allowed; this query starts with "${first.text}"`,
    );
  const topLevel = new Set(
    tokens.filter((t) => t.depth === 0 && t.kind === 'word').map((t) => t.text.toUpperCase()),
  );
  // Cut after the last token: drops trailing semicolons and comments, which would swallow a wrapper.
  const end = tokens.at(-1) as Token;
  return { sql: sql.slice(0, end.start + end.text.length), topLevel };
}

/** A WHERE fragment (the trace list's `filter`): balanced, one expression, no statement separators. */
export function checkFilter(filter: string): string {
  const tokens = tokenize(filter);
  if (tokens.some((t) => t.text === ';')) throw searchError('sqlNotValid', 'The filter must not contain ";"');
  return filter;
}
