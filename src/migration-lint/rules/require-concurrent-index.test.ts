import { describe, expect, it } from 'vitest';
import { lintRule } from './lint-kit.test-support.js';

describe('migrations/require-concurrent-index', () => {
  it('flags a plain CREATE INDEX on a table that existed before the revision', async () => {
    expect(await lintRule('require-concurrent-index', 'CREATE INDEX ix ON t (a);')).toEqual(['8 require-concurrent-index']);
  });
  it('accepts an index on a table created in the same revision, and CONCURRENTLY', async () => {
    expect(await lintRule('require-concurrent-index', 'CREATE TABLE n (id int);\nCREATE INDEX ix ON n (id);')).toEqual([]);
    expect(await lintRule('require-concurrent-index', 'CREATE INDEX CONCURRENTLY IF NOT EXISTS ix ON t (a);', { transaction: 'false' })).toEqual([]);
  });
});
