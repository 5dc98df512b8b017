import { describe, expect, it } from 'vitest';
import { lintRule } from './lint-kit.test-support.js';

describe('migrations/rename', () => {
  it('flags renaming a column or a table', async () => {
    expect(await lintRule('rename', 'ALTER TABLE t RENAME COLUMN b TO c;')).toEqual(['8 rename']);
    expect(await lintRule('rename', 'ALTER TABLE t RENAME TO t2;')).toEqual(['8 rename']);
  });
  it('accepts renaming an index', async () => {
    expect(await lintRule('rename', 'ALTER INDEX t_pkey RENAME TO t_pk;')).toEqual([]);
  });
});
