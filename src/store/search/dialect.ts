/**
 * OpenObserve's SQL (DataFusion's dialect) on SQLite: the rewrites a query needs before SQLite can run
 * it with OpenObserve's meaning. Functions SQLite lacks outright are in `functions.ts`; here is what
 * needs the query's text changed:
 * - `x::bigint`, `x::text`, `x::double` … → `CAST(x AS …)`;
 * - `ILIKE` → a case-insensitive LIKE (SQLite's REGEXP operator, whose function we define); `LIKE` is
 *   case-sensitive on the connection and takes `\` as its escape, as DataFusion's does;
 * - `approx_distinct(x)` → `count(DISTINCT x)` (exact here), `approx_percentile_cont` → `percentile_cont`;
 * - `match_all('text')` → a case-insensitive search of the stream's full-text columns.
 */
import { functionNotDefined, searchError } from './query-error.ts';
import { type Token, tokenize } from './sql-scan.ts';

export interface DialectContext {
  /** The columns of a stream of the organisation; undefined for a name that is not a stream. */
  columnsOf(stream: string): readonly string[] | undefined;
  /** The stream a WHERE fragment (the trace list's filter) is applied to. */
  stream?: string;
}

/**
 * The columns `match_all` searches: OpenObserve's default full-text fields, and — because a trace
 * carries its text in OpenInference's and GenAI's attributes rather than in a `message` — the LLM input
 * and output columns.
 */
export const FULL_TEXT_COLUMNS = [
  'log',
  'message',
  'msg',
  'content',
  'data',
  'body',
  'json',
  'error',
  'llm_input',
  'llm_output',
  'input_value',
  'output_value',
  'gen_ai_input_messages',
  'gen_ai_output_messages',
];

const SYNONYMS: Record<string, string> = {
  approx_percentile_cont: 'percentile_cont',
  approx_median: 'median',
};
const MATCH_ALL = new Set(['match_all', 'match_all_raw', 'match_all_raw_ignore_case']);

/** Words before a parenthesis that make it a group rather than a function call's arguments. */
const KEYWORDS = new Set(
  'AND OR NOT IN IS WHERE SELECT ON BY WHEN THEN ELSE CASE AS FROM HAVING DISTINCT ALL EXISTS BETWEEN LIKE GLOB REGEXP ILIKE MATCH JOIN USING VALUES WITH UNION EXCEPT INTERSECT'.split(
    ' ',
  ),
);

/** DataFusion type names → the SQLite type that gives CAST the same result. */
function castType(name: string): string {
  const n = name.toLowerCase().replace(/\s+/g, ' ');
  if (/^(big|small|tiny)?int(eger|[248])?$|^long$|^u?int(8|16|32|64)$/.test(n)) return 'INTEGER';
  if (/^(double( precision)?|float[48]?|real|decimal|numeric)\b/.test(n)) return 'REAL';
  if (/^(text|varchar|string|char|character( varying)?|utf8|largeutf8|utf8view)\b/.test(n)) return 'TEXT';
  return name;
}

/** Rewrites `sql` (already checked to be one SELECT) into SQLite's dialect. */
export function translate(sql: string, context: DialectContext): string {
  let out = sql;
  // Each `::` is rewritten on its own: a cast's operand may itself be a cast.
  for (let tokens = tokenize(out), at = castAt(tokens); at >= 0; tokens = tokenize(out), at = castAt(tokens))
    out = rewriteCast(out, tokens, at);
  return rewriteCalls(out, tokenize(out), context);
}

function castAt(tokens: Token[]): number {
  return tokens.findIndex(
    (t, i) => t.text === ':' && tokens[i + 1]?.text === ':' && tokens[i + 1]?.start === t.start + 1,
  );
}

function rewriteCast(sql: string, tokens: Token[], at: number): string {
  let first = at - 1;
  const last = tokens[first];
  if (!last) throw searchError('sqlNotValid', 'A "::" cast needs a value before it');
  if (last.text === ')') {
    first = tokens.findLastIndex((t, i) => i < at - 1 && t.text === '(' && t.depth === last.depth);
    const name = tokens[first - 1];
    if (name?.kind === 'word' && !KEYWORDS.has(name.text.toUpperCase())) first--;
  }
  // A qualified name (`t.n`, `"s".n`) is one operand; the scanner may split it as `t` and `.n`.
  const touching = (i: number) => {
    const a = tokens[i - 1];
    const b = tokens[i];
    return a !== undefined && b !== undefined && a.start + a.text.length === b.start;
  };
  while (touching(first) && (tokens[first]?.text.startsWith('.') || tokens[first - 1]?.text === '.')) first--;
  let end = at + 2;
  const type = tokens[end];
  if (type?.kind !== 'word') throw searchError('sqlNotValid', 'A "::" cast needs a type after it');
  let typeEnd = end;
  if (tokens[end + 1]?.kind === 'word' && /^(precision|varying)$/i.test(tokens[end + 1]?.text ?? ''))
    typeEnd++;
  end = typeEnd + 1;
  // A size or precision, as in varchar(10) or decimal(10, 2), belongs to the type and means nothing here.
  if (tokens[end]?.text === '(')
    end = tokens.findIndex((t, i) => i > end && t.text === ')' && t.depth === tokens[end]?.depth) + 1;
  const start = (tokens[first] as Token).start;
  const operand = sql.slice(start, last.start + last.text.length);
  const typeText = sql.slice(
    type.start,
    (tokens[typeEnd] as Token).start + (tokens[typeEnd] as Token).text.length,
  );
  const stop = end < tokens.length && end > 0 ? (tokens[end] as Token).start : sql.length;
  const target = castType(typeText);
  // To text through our function: SQLite writes an integral REAL as `7.0`, DataFusion an Int64 as `7`.
  const cast = target === 'TEXT' ? `tollgate_text(${operand})` : `CAST(${operand} AS ${target})`;
  return `${sql.slice(0, start)}${cast}${sql.slice(stop).length > 0 ? ' ' : ''}${sql.slice(stop)}`;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

function rewriteCalls(sql: string, tokens: Token[], context: DialectContext): string {
  const edits: Edit[] = [];
  tokens.forEach((t, i) => {
    if (t.kind !== 'word') return;
    const name = t.text.toLowerCase();
    const call = tokens[i + 1]?.text === '(';
    if (call && SYNONYMS[name])
      edits.push({ start: t.start, end: t.start + t.text.length, text: SYNONYMS[name] });
    else if (call && name === 'approx_distinct')
      edits.push({ start: t.start, end: (tokens[i + 1] as Token).start + 1, text: 'count(DISTINCT ' });
    else if (call && MATCH_ALL.has(name)) edits.push(...matchAll(tokens, i, context));
    else if (!call && name === 'ilike')
      edits.push({ start: t.start, end: t.start + t.text.length, text: 'REGEXP' });
    else if (!call && name === 'like') {
      // DataFusion's LIKE escapes with a backslash; SQLite's has no escape unless told.
      const pattern = tokens[i + 1];
      if (
        pattern?.kind === 'string' &&
        pattern.text.includes('\\') &&
        tokens[i + 2]?.text.toUpperCase() !== 'ESCAPE'
      ) {
        const end = pattern.start + pattern.text.length;
        edits.push({ start: end, end, text: " ESCAPE '\\'" });
      }
    }
  });
  let out = '';
  let at = 0;
  for (const e of edits.sort((a, b) => a.start - b.start)) {
    out += sql.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + sql.slice(at);
}

/**
 * `match_all('text')` → `tollgate_match_all('text', col, …)` over the full-text columns of the one
 * stream the query reads. OpenObserve allows it only where the stream is read directly.
 */
function matchAll(tokens: Token[], i: number, context: DialectContext): Edit[] {
  const name = tokens[i] as Token;
  const streams = new Set<string>();
  let joined = false;
  tokens.forEach((t, j) => {
    const word = t.text.toUpperCase();
    if (t.kind === 'word' && word === 'JOIN') joined = true;
    if (t.kind !== 'word' || (word !== 'FROM' && word !== 'JOIN')) return;
    const table = tokens[j + 1];
    if (!table || (table.kind !== 'word' && table.kind !== 'quoted')) return;
    const unquoted = table.kind === 'quoted' ? table.text.slice(1, -1).replaceAll('""', '"') : table.text;
    if (context.columnsOf(unquoted) !== undefined) streams.add(unquoted);
  });
  if (streams.size === 0 && !joined && context.stream !== undefined) streams.add(context.stream);
  const [stream] = streams;
  if (streams.size !== 1 || joined || stream === undefined)
    throw searchError(
      'sqlNotValid',
      `${name.text}() must be applied to one stream read directly: not across a join, subquery or several streams`,
    );
  const columns = (context.columnsOf(stream) ?? []).filter((c) => FULL_TEXT_COLUMNS.includes(c));
  if (columns.length === 0)
    throw searchError(
      'sqlNotValid',
      `${name.text}() needs a stream with full-text columns (${FULL_TEXT_COLUMNS.join(', ')}); "${stream}" has none`,
    );
  const open = tokens[i + 1] as Token;
  const close = tokens.find((t, j) => j > i + 1 && t.text === ')' && t.depth === open.depth);
  if (!close) throw functionNotDefined(name.text);
  const list = columns.map((c) => `, "${c}"`).join('');
  return [
    { start: name.start, end: name.start + name.text.length, text: 'tollgate_match_all' },
    { start: close.start, end: close.start, text: list },
  ];
}
