import { describe, expect, it } from 'vitest';
import { lintRule } from './lint-kit.test-support.js';

describe('migrations/concurrently-in-transaction', () => {
  it('flags CREATE and DROP INDEX CONCURRENTLY in a transactional revision', async () => {
    expect(await lintRule('concurrently-in-transaction', 'CREATE INDEX CONCURRENTLY ix ON t (a);')).toEqual(['8 concurrently-in-transaction']);
    expect(await lintRule('concurrently-in-transaction', 'SELECT 1;\nDROP INDEX CONCURRENTLY IF EXISTS ix;')).toEqual(['9 concurrently-in-transaction']);
  });
  it('accepts them in a Transaction: false revision', async () => {
    expect(await lintRule('concurrently-in-transaction', 'CREATE INDEX CONCURRENTLY IF NOT EXISTS ix ON t (a);', { transaction: 'false' })).toEqual([]);
  });
});
