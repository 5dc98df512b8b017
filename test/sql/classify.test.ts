import { beforeAll, describe, expect, it } from 'vitest';
import { classifySql, createTableMatcher, findWrites, initSqlParser, splitStatements } from '../../src/sql/index.js';
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
