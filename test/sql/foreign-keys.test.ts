import { beforeAll, describe, expect, it } from 'vitest';
import { foreignKeyActions, initSqlParser } from '../../src/sql/index.js';

beforeAll(() => initSqlParser());

const keys = (...texts: string[]) =>
  foreignKeyActions(texts).map((k) => `${k.child.schema ? `${k.child.schema}.` : ''}${k.child.table}(${k.columns.join(',')}) -> ${k.parent.schema ? `${k.parent.schema}.` : ''}${k.parent.table} ${k.action} [${k.name}]`);

describe('foreignKeyActions: the keys with a delete action a schema leaves', () => {
  it('column and table constraints, named and unnamed (named as PostgreSQL names them), ADD COLUMN … REFERENCES; NO ACTION (the default) and RESTRICT kept as such', () => {
    expect(
      keys(
        `CREATE TABLE billing.expenses (
           id serial PRIMARY KEY,
           user_id int REFERENCES users(id) ON DELETE CASCADE,
           cat int,
           kind int REFERENCES kinds ON DELETE RESTRICT,
           CONSTRAINT fk_cat FOREIGN KEY (cat) REFERENCES categories ON DELETE SET NULL,
           FOREIGN KEY (id, cat) REFERENCES pairs (a, b) ON DELETE SET DEFAULT
         );
         ALTER TABLE billing.expenses ADD COLUMN budget_id int REFERENCES budgets ON DELETE CASCADE;
         ALTER TABLE billing.expenses ADD CONSTRAINT "Fk_Quoted" FOREIGN KEY (kind) REFERENCES kinds;`,
      ),
    ).toEqual([
      'billing.expenses(user_id) -> users cascade [expenses_user_id_fkey]',
      'billing.expenses(kind) -> kinds restrict [expenses_kind_fkey]',
      'billing.expenses(cat) -> categories set null [fk_cat]',
      'billing.expenses(id,cat) -> pairs set default [expenses_id_cat_fkey]',
      'billing.expenses(budget_id) -> budgets cascade [expenses_budget_id_fkey]',
      'billing.expenses(kind) -> kinds no action [Fk_Quoted]',
    ]);
  });

  it('replays later revisions: DROP CONSTRAINT, DROP COLUMN, DROP TABLE and RENAME (table, constraint, column) change what is left', () => {
    const base = `CREATE TABLE users (id int PRIMARY KEY);
      CREATE TABLE expenses (id int, user_id int REFERENCES users ON DELETE CASCADE, note_id int, tag_id int);
      ALTER TABLE expenses ADD CONSTRAINT expenses_note_fk FOREIGN KEY (note_id) REFERENCES notes ON DELETE CASCADE;
      CREATE TABLE tags_link (tag_id int REFERENCES tags ON DELETE CASCADE);`;
    expect(keys(base, 'ALTER TABLE expenses DROP CONSTRAINT expenses_note_fk;', 'ALTER TABLE expenses DROP COLUMN user_id;', 'DROP TABLE tags CASCADE;')).toEqual([]);
    expect(keys(base, 'ALTER TABLE users RENAME TO accounts;', 'ALTER TABLE expenses RENAME CONSTRAINT expenses_note_fk TO note_fk;', 'ALTER TABLE expenses RENAME COLUMN user_id TO account_id;', 'DROP TABLE tags_link;')).toEqual([
      'expenses(account_id) -> accounts cascade [expenses_user_id_fkey]',
      'expenses(note_id) -> notes cascade [note_fk]',
    ]);
  });

  it('a text that does not parse is skipped, not fatal; its source is kept for messages', () => {
    const out = foreignKeyActions([{ sql: 'CREATE TABLE oops (', source: 'm/1.sql' }, { sql: 'CREATE TABLE e (u int REFERENCES users ON DELETE CASCADE);', source: 'm/2.sql' }]);
    expect(out.map((k) => [k.child.table, k.source])).toEqual([['e', 'm/2.sql']]);
  });
});
