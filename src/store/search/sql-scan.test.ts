/**
 * The SQL scanner in front of the search authorizer: one SELECT (or WITH … SELECT) passes, anything else
 * is OpenObserve's 400 "Search SQL not valid" (20001) whose detail says why; strings, quoted names and
 * comments never fool it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { translate } from './dialect.ts';
import { QueryError } from './query-error.ts';
import { checkFilter, checkSelect, tokenize } from './sql-scan.ts';

function assertRefused(fn: () => unknown, detail: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof QueryError, `a QueryError, got ${String(err)}`);
    assert.deepEqual([err.status, err.code, err.message], [400, 20001, 'Search SQL not valid']);
    assert.match(err.detail ?? '', detail);
    return true;
  });
}

/** The dialect rewrite, with no streams (enough for everything but match_all). */
const rewrite = (sql: string) => translate(checkSelect(sql).sql, { columnsOf: () => undefined });

describe('checkSelect: accepted', () => {
  it('a plain SELECT, in any case, returned as written', () => {
    const sql = `SELECT * FROM "default" WHERE operation_name = 'ChatCompletion'`;
    assert.equal(checkSelect(sql).sql, sql);
    assert.equal(checkSelect('select 1').sql, 'select 1');
    assert.equal(checkSelect('  \n\tSeLeCt 1  ').sql, '  \n\tSeLeCt 1');
  });

  it('WITH … SELECT', () => {
    const sql = 'WITH t AS (SELECT trace_id FROM "default") SELECT count(*) FROM t';
    assert.equal(checkSelect(sql).sql, sql);
  });

  it('trailing semicolons and comments are cut off (they would swallow a wrapping query)', () => {
    assert.equal(checkSelect('SELECT 1;').sql, 'SELECT 1');
    assert.equal(checkSelect('SELECT 1 ; ;\n;').sql, 'SELECT 1');
    assert.equal(checkSelect('SELECT 1 -- the answer').sql, 'SELECT 1');
    assert.equal(checkSelect('SELECT 1; -- done').sql, 'SELECT 1');
    assert.equal(checkSelect('SELECT 1 /* one */ ;').sql, 'SELECT 1');
    assert.equal(checkSelect('-- leading comment\nSELECT 1').sql, '-- leading comment\nSELECT 1');
    assert.equal(checkSelect('/* a */ SELECT /* b */ 1').sql, '/* a */ SELECT /* b */ 1');
  });

  it('";" inside strings, quoted names and comments is not a statement separator', () => {
    for (const sql of [
      `SELECT ';' AS s`,
      `SELECT 'it''s; fine' AS s`,
      `SELECT "odd;name" FROM "default"`,
      'SELECT `odd;name` FROM "default"',
      'SELECT [odd;name] FROM "default"',
      `SELECT "a""b;c" FROM "default"`,
      'SELECT 1 /* ; DROP TABLE x; */',
      'SELECT 1 -- ; DROP TABLE x\n',
      `SELECT * FROM "default" WHERE events LIKE '%;DELETE FROM x;%'`,
    ])
      assert.doesNotThrow(() => checkSelect(sql), sql);
  });

  it('reports the top-level keywords only (not those inside parentheses)', () => {
    const { topLevel } = checkSelect(
      'SELECT a FROM (SELECT a FROM "default" ORDER BY a) WHERE a IN (SELECT 1 GROUP BY 1)',
    );
    assert.ok(topLevel.has('SELECT') && topLevel.has('WHERE') && topLevel.has('FROM'));
    assert.equal(topLevel.has('ORDER'), false);
    assert.equal(topLevel.has('GROUP'), false);
    assert.ok(checkSelect('select a from t order by a').topLevel.has('ORDER'));
  });
});

describe('checkSelect: refused', () => {
  it('statements that are not SELECT, naming the first word', () => {
    const cases: Array<[string, string]> = [
      ['INSERT INTO x VALUES (1)', 'INSERT'],
      ['PRAGMA table_info(x)', 'PRAGMA'],
      ["ATTACH DATABASE '/tmp/x.db' AS x", 'ATTACH'],
      ['DELETE FROM "default"', 'DELETE'],
      ['update x set a = 1', 'update'],
      ['DROP TABLE x', 'DROP'],
      ['VACUUM', 'VACUUM'],
      ['(SELECT 1)', '('],
      ["'SELECT 1'", "'SELECT 1'"],
    ];
    for (const [sql, first] of cases)
      assertRefused(() => checkSelect(sql), new RegExp(`Only SELECT queries.*"${escapeRegExp(first)}"`));
  });

  it('more than one statement', () => {
    for (const sql of [
      'SELECT 1; DROP TABLE x',
      'SELECT 1;DROP TABLE x;',
      `SELECT 'a'; DELETE FROM x`,
      `SELECT "x;y"; DELETE FROM x`,
      'SELECT 1 /* c */; PRAGMA writable_schema = 1',
      'SELECT 1 -- c\n; DELETE FROM x',
      'WITH t AS (SELECT 1) SELECT * FROM t; SELECT 2',
    ])
      assertRefused(() => checkSelect(sql), /Only one SQL statement/);
  });

  it('empty queries and unterminated strings, names and comments', () => {
    assertRefused(() => checkSelect(''), /empty/);
    assertRefused(() => checkSelect(' ; -- nothing'), /empty/);
    assertRefused(() => checkSelect("SELECT 'open"), /unterminated string/);
    assertRefused(() => checkSelect(`SELECT 'a'' ; DROP TABLE x`), /unterminated string/);
    assertRefused(() => checkSelect('SELECT "open'), /unterminated quoted name/);
    assertRefused(() => checkSelect('SELECT [open'), /unterminated quoted name/);
    assertRefused(() => checkSelect('SELECT 1 /* open'), /unterminated \/\* comment/);
  });

  it('unbalanced parentheses', () => {
    assertRefused(() => checkSelect('SELECT (1'), /unbalanced "\("/);
    assertRefused(() => checkSelect('SELECT 1)'), /unbalanced "\)"/);
    assertRefused(() => checkSelect('SELECT 1) + (1'), /unbalanced "\)"/);
  });
});

describe('translate: OpenObserve function names', () => {
  it('renames approx_percentile_cont and approx_median to their SQLite names', () => {
    assert.equal(
      rewrite('SELECT approx_percentile_cont(duration, 0.95) FROM "default"'),
      'SELECT percentile_cont(duration, 0.95) FROM "default"',
    );
    assert.equal(
      rewrite('SELECT APPROX_PERCENTILE_CONT (duration, 0.5), approx_median(duration) FROM t'),
      'SELECT percentile_cont (duration, 0.5), median(duration) FROM t',
    );
  });

  it('rewrites :: casts, ILIKE, approx_distinct and backslash escapes of LIKE', () => {
    assert.equal(rewrite('SELECT n::bigint FROM t'), 'SELECT CAST(n AS INTEGER) FROM t');
    assert.equal(
      rewrite('SELECT t.n::text::double AS x FROM t'),
      'SELECT CAST(tollgate_text(t.n) AS REAL) AS x FROM t',
    );
    assert.equal(rewrite('SELECT max(n)::varchar(10) FROM t'), 'SELECT tollgate_text(max(n)) FROM t');
    assert.equal(rewrite('SELECT (a + b)::double precision FROM t'), 'SELECT CAST((a + b) AS REAL) FROM t');
    assert.equal(rewrite(`SELECT * FROM t WHERE a ILIKE 'x%'`), `SELECT * FROM t WHERE a REGEXP 'x%'`);
    assert.equal(rewrite('SELECT approx_distinct(a) FROM t'), 'SELECT count(DISTINCT a) FROM t');
    assert.equal(
      rewrite(`SELECT * FROM t WHERE a LIKE 'a\\_%'`),
      `SELECT * FROM t WHERE a LIKE 'a\\_%' ESCAPE '\\'`,
    );
  });

  it('leaves the name alone when it is not a call, or is inside a string or quoted name', () => {
    for (const sql of [
      'SELECT approx_percentile_cont FROM t',
      `SELECT 'approx_percentile_cont(duration, 0.9)' AS s`,
      'SELECT "approx_percentile_cont"(duration) FROM t',
      'SELECT my_approx_percentile_cont(duration) FROM t',
    ])
      assert.equal(rewrite(sql), sql);
  });
});

describe('checkFilter', () => {
  it('passes a WHERE fragment through unchanged', () => {
    for (const filter of [
      `span_status = 'ERROR'`,
      `(llm_model_name = 'gpt-4o-mini' OR duration > 1000) AND operation_name != 'x'`,
      `trace_id IN (SELECT trace_id FROM "default" WHERE span_status = 'ERROR')`,
      `status_message = ';'`,
      'duration > 0 -- trailing comment',
    ])
      assert.equal(checkFilter(filter), filter);
  });

  it('refuses ";"', () => {
    assertRefused(() => checkFilter('1 = 1; DELETE FROM x'), /must not contain ";"/);
    assertRefused(() => checkFilter('1 = 1;'), /must not contain ";"/);
  });

  it('refuses unbalanced parentheses (which could close the wrapping WHERE)', () => {
    assertRefused(() => checkFilter('(a = 1'), /unbalanced "\("/);
    assertRefused(() => checkFilter('1 = 1) OR (1 = 1'), /unbalanced "\)"/);
    assertRefused(() => checkFilter('1 = 1) UNION SELECT * FROM sqlite_master --'), /unbalanced "\)"/);
  });
});

describe('tokenize', () => {
  it('tracks the parenthesis depth of each token', () => {
    const tokens = tokenize('a (b (c) d) e');
    assert.deepEqual(
      tokens.filter((t) => t.kind === 'word').map((t) => [t.text, t.depth]),
      [
        ['a', 0],
        ['b', 1],
        ['c', 2],
        ['d', 1],
        ['e', 0],
      ],
    );
  });

  it('keeps strings and quoted names whole, with doubled quotes', () => {
    const tokens = tokenize(`'it''s' "a""b" [x y]`);
    assert.deepEqual(
      tokens.map((t) => [t.kind, t.text]),
      [
        ['string', `'it''s'`],
        ['quoted', '"a""b"'],
        ['quoted', '[x y]'],
      ],
    );
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
