import { beforeAll, describe, expect, it } from 'vitest';
import { classifySql, createTableMatcher, findWrites, foldConstantText, initSqlParser, splitStatements } from '../../src/sql/index.js';
import { SqlSyntaxError } from '../../src/errors.js';

beforeAll(() => initSqlParser());

const writes = (sql: string) => findWrites(sql).map((w) => `${w.operation}:${w.schema ? `${w.schema}.` : ''}${w.table}`);

describe('findWrites', () => {
  it.each([
    ['INSERT INTO expenses (a) VALUES (1)', ['insert:expenses']],
    ['INSERT INTO expenses SELECT * FROM staging', ['insert:expenses']],
    ['INSERT INTO expenses (id) VALUES (1) ON CONFLICT (id) DO UPDATE SET a = 1', ['insert:expenses']],
    ['UPDATE expenses e SET amount = 1 FROM users u WHERE u.id = e.user_id', ['update:expenses']],
    ['DELETE FROM ONLY expenses WHERE id = $1', ['delete:expenses']],
    ['TRUNCATE expenses, public.audit', ['truncate:expenses', 'truncate:public.audit']],
    ['MERGE INTO expenses t USING src s ON t.id = s.id WHEN MATCHED THEN UPDATE SET a = s.a', ['merge:expenses']],
    ['COPY expenses FROM STDIN', ['copy:expenses']],
    ['WITH x AS (DELETE FROM expenses RETURNING *) SELECT * FROM x', ['delete:expenses']],
    ['SELECT 1; UPDATE "Expenses" SET a = 1', ['update:Expenses']],
  ])('%s', (sql, expected) => {
    expect(writes(sql)).toEqual(expected);
  });

  it.each([
    'SELECT * FROM expenses',
    'INSERT INTO audit SELECT * FROM expenses',
    'UPDATE users SET expenses = 3',
    'COPY expenses TO STDOUT',
    "SELECT 'DELETE FROM expenses'",
  ])('no write to expenses: %s', (sql) => {
    expect(writes(sql).filter((w) => w.endsWith('expenses'))).toEqual([]);
  });
});

describe('splitStatements', () => {
  it('splits on the real grammar: dollar quotes, strings and comments', () => {
    const sql = `-- lead comment
CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;
INSERT INTO t VALUES ('a;b'); /* c; */
SELECT 'é';`;
    const parts = splitStatements(sql);
    expect(parts.map((p) => p.kind)).toEqual(['CreateFunctionStmt', 'InsertStmt', 'SelectStmt']);
    expect(parts[0]!.line).toBe(2);
    expect(parts[1]!.text).toBe("INSERT INTO t VALUES ('a;b')");
    expect(parts[2]!.text).toBe("SELECT 'é'");
    expect(parts[2]!.line).toBe(4);
  });

  it('returns nothing for empty and comment-only input', () => {
    expect(splitStatements('')).toEqual([]);
    expect(splitStatements('-- nothing\n')).toEqual([]);
  });

  it('reports syntax errors with a position', () => {
    try {
      splitStatements('SELECT 1;\nSELEC 2');
      expect.fail('should throw');
    } catch (e) {
      expect(e).toBeInstanceOf(SqlSyntaxError);
      expect((e as SqlSyntaxError).position).toBe(10);
    }
  });
});

describe('forbiddenInTransaction', () => {
  it.each([
    ['CREATE INDEX CONCURRENTLY i ON t (a)', 'CREATE INDEX CONCURRENTLY'],
    ['DROP INDEX CONCURRENTLY IF EXISTS i', 'DROP INDEX CONCURRENTLY'],
    ['REINDEX INDEX CONCURRENTLY i', 'REINDEX CONCURRENTLY'],
    ['VACUUM t', 'VACUUM'],
    ['ALTER TABLE t DETACH PARTITION p CONCURRENTLY', 'DETACH PARTITION CONCURRENTLY'],
    ['CREATE INDEX i ON t (a)', null],
    ['ANALYZE t', null],
  ])('%s', (sql, expected) => {
    expect(classifySql(sql)[0]!.forbiddenInTransaction).toBe(expected);
  });
});

describe('createTableMatcher', () => {
  const m = createTableMatcher(['expenses', 'billing.invoices']);
  it('matches unqualified names in any schema, case-insensitively', () => {
    expect(m.matches({ table: 'EXPENSES' })).toBe('expenses');
    expect(m.matches({ schema: 'tenant1', table: 'expenses' })).toBe('expenses');
  });
  it('matches qualified patterns only in their schema', () => {
    expect(m.matches({ schema: 'billing', table: 'invoices' })).toBe('billing.invoices');
    expect(m.matches({ table: 'invoices' })).toBeUndefined();
    expect(m.matches({ schema: 'public', table: 'invoices' })).toBeUndefined();
  });
});

const nested = (sql: string) => findWrites(sql).map((w) => `${w.operation}:${w.table}${w.via ? ` (${w.via})` : ''}`);

describe('writes inside DO blocks and function bodies', () => {
  it.each([
    ['DO $$BEGIN DELETE FROM expenses; END$$', ['delete:expenses (DO block)']],
    ["DO LANGUAGE plpgsql $x$DECLARE n int; BEGIN UPDATE expenses SET amount = 1; GET DIAGNOSTICS n = ROW_COUNT; END$x$", ['update:expenses (DO block)']],
    ['DO $$DECLARE r record; BEGIN FOR r IN DELETE FROM expenses RETURNING id LOOP END LOOP; END$$', ['delete:expenses (DO block)']],
    ['DO $$BEGIN IF true THEN INSERT INTO expenses VALUES (1); ELSE NULL; END IF; EXCEPTION WHEN others THEN TRUNCATE expenses; END$$', ['insert:expenses (DO block)', 'truncate:expenses (DO block)']],
    ["DO $$BEGIN EXECUTE 'DELETE FROM ' || 'expenses'; END$$", ['delete:expenses (dynamic SQL)']],
    ["DO $$BEGIN EXECUTE format('DELETE FROM %I.%I', 'public', 'expenses'); END$$", ['delete:expenses (dynamic SQL)']],
    ["DO $$BEGIN EXECUTE concat('TRUNCATE ', quote_ident('expenses')); END$$", ['truncate:expenses (dynamic SQL)']],
    ["DO $$BEGIN EXECUTE 'DO $i$BEGIN DELETE FROM expenses; END$i$'; END$$", ['delete:expenses (dynamic SQL)']],
    ["CREATE FUNCTION f() RETURNS void LANGUAGE sql AS 'DELETE FROM expenses'", ['delete:expenses (function body)']],
    ['CREATE FUNCTION f() RETURNS void LANGUAGE sql BEGIN ATOMIC UPDATE expenses SET amount = 2; END', ['update:expenses (function body)']],
    ['CREATE OR REPLACE FUNCTION f() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $f$BEGIN DELETE FROM expenses; RETURN NULL; END$f$', ['delete:expenses (function body)']],
    ['CREATE PROCEDURE p() LANGUAGE plpgsql AS $p$BEGIN MERGE INTO expenses e USING users u ON e.user_id = u.id WHEN MATCHED THEN DELETE; END$p$', ['merge:expenses (function body)']],
  ])('%s', (sql, expected) => {
    expect(nested(sql)).toEqual(expected);
  });

  it('says what it cannot see: computed EXECUTE text, other languages, bodies that do not parse', () => {
    const opaque = (sql: string) => classifySql(sql).flatMap((s) => s.opaque);
    expect(opaque("DO $$DECLARE t text := 'expenses'; BEGIN EXECUTE 'DELETE FROM ' || t; END$$")).toEqual(["EXECUTE of computed SQL text ('DELETE FROM ' || t) in a DO block"]);
    expect(opaque("DO LANGUAGE plpython3u $$plpy.execute('DELETE FROM expenses')$$")).toEqual(['a DO block in language plpython3u']);
    expect(opaque('CREATE FUNCTION f() RETURNS int LANGUAGE c AS \'lib\', \'sym\'')).toEqual(['a function body in language c']);
    expect(opaque('DO $$BEGIN DELETE FROM; END$$')).toEqual(['the PL/pgSQL DO block does not parse (syntax error at end of input)']);
    expect(opaque("CREATE FUNCTION f() RETURNS void LANGUAGE sql AS 'DELETE FROM'")[0]).toMatch(/^SQL in a function body that does not parse/);
    expect(opaque("CREATE FUNCTION f(q text) RETURNS SETOF int LANGUAGE plpgsql AS 'BEGIN RETURN QUERY EXECUTE q; END'")).toEqual(['EXECUTE of computed SQL text (q) in a function body']);
    expect(opaque('DO $$BEGIN PERFORM 1; END$$')).toEqual([]);
  });

  it('leaves plain reads and other tables alone', () => {
    expect(nested("DO $$BEGIN PERFORM count(*) FROM expenses; INSERT INTO audit VALUES ('x'); END$$")).toEqual(['insert:audit (DO block)']);
    expect(nested("SELECT 'DO $$BEGIN DELETE FROM expenses; END$$'")).toEqual([]);
  });
});

describe('DDL targets and setting changes', () => {
  const ddl = (sql: string) => classifySql(sql).flatMap((s) => s.ddl.map((d) => `${d.action} ${d.schema ? `${d.schema}.` : ''}${d.table}${d.shadow ? ' (shadow)' : ''}`));
  it.each([
    ['ALTER TABLE expenses DISABLE TRIGGER ALL', ['ALTER TABLE … DISABLE TRIGGER expenses']],
    ['ALTER TABLE child INHERIT expenses', ['ALTER TABLE child', 'INHERIT expenses']],
    ['DROP TABLE public.expenses, other', ['DROP public.expenses', 'DROP other']],
    ['DROP TRIGGER finbrain_guard ON expenses', ['DROP TRIGGER expenses']],
    ['CREATE RULE r AS ON DELETE TO expenses DO INSTEAD NOTHING', ['CREATE RULE expenses']],
    ['CREATE TRIGGER t BEFORE INSERT ON expenses FOR EACH ROW EXECUTE FUNCTION f()', ['CREATE TRIGGER expenses']],
    ['CREATE TEMP TABLE expenses (LIKE public.expenses)', ['CREATE TABLE expenses (shadow)']],
    ['CREATE TABLE c () INHERITS (expenses)', ['CREATE TABLE c (shadow)', 'INHERITS expenses']],
    ['CREATE VIEW v AS SELECT * FROM expenses e JOIN users u ON u.id = e.user_id', ['CREATE VIEW v (shadow)', 'CREATE VIEW over expenses', 'CREATE VIEW over users']],
    ['ALTER TABLE x RENAME TO expenses', ['RENAME x', 'RENAME TO expenses (shadow)']],
    ['GRANT INSERT ON expenses TO app', ['GRANT expenses']],
    ['CREATE POLICY p ON expenses USING (false)', ['CREATE POLICY expenses']],
    ['SELECT * INTO TEMP expenses FROM users', ['SELECT INTO expenses (shadow)']],
    ['DO $$BEGIN ALTER TABLE expenses DISABLE TRIGGER ALL; END$$', ['ALTER TABLE … DISABLE TRIGGER expenses']],
  ])('%s', (sql, expected) => {
    expect(ddl(sql)).toEqual(expected);
  });

  it('finds setting changes by SET, RESET, set_config (even in an assignment), DISCARD ALL and ALTER ROLE … SET', () => {
    const settings = (sql: string) => classifySql(sql).flatMap((s) => s.settings.map((x) => `${x.how} ${x.name}${x.value !== undefined ? `=${x.value}` : ''}`));
    expect(settings("SET standard_conforming_strings = off; SET LOCAL role TO 'w'; RESET ROLE; SET NAMES 'SJIS'")).toEqual([
      'SET standard_conforming_strings=off',
      'SET LOCAL role=w',
      'RESET role',
      'SET client_encoding=SJIS',
    ]);
    expect(settings("SELECT pg_catalog.set_config('ROLE', 'w', false), set_config(current_setting('x'), 'y', true)")).toEqual(['set_config role=w', 'set_config *=y']);
    expect(settings("DO $$DECLARE x text; BEGIN x := set_config('session_replication_role', 'replica', false); END$$")).toEqual(['set_config session_replication_role=replica']);
    expect(settings('DISCARD ALL')).toEqual(['DISCARD ALL session_authorization', 'DISCARD ALL role']);
    expect(settings('ALTER ROLE CURRENT_USER SET standard_conforming_strings = off')).toEqual(['ALTER ROLE standard_conforming_strings=off']);
    expect(settings('SET TRANSACTION ISOLATION LEVEL SERIALIZABLE')).toEqual([]);
  });

  it('folds only constant EXECUTE text', () => {
    expect(foldConstantText("'a' || 'b'")).toBe('ab');
    expect(foldConstantText("format('%s %I %L %%', 'x', 'My Table', 'it''s')")).toBe(`x "My Table" 'it''s' %`);
    expect(foldConstantText("format('%2$s-%1$s', 'a', 'b')")).toBe('b-a');
    expect(foldConstantText("upper('delete') || ' FROM t'")).toBe('DELETE FROM t');
    expect(foldConstantText("'a' || v")).toBeUndefined();
    expect(foldConstantText("chr(68) || 'ELETE'")).toBeUndefined();
  });

  it('the matcher finds shadows by name in any schema', () => {
    expect(createTableMatcher(['public.expenses']).matchesName('EXPENSES')).toBe('public.expenses');
  });
});
