import { describe, expect, it } from 'vitest';
import { lintRule } from './lint-kit.test-support.js';

describe('migrations/non-idempotent', () => {
  it('flags DDL without IF [NOT] EXISTS in a Transaction: false revision', async () => {
    expect(await lintRule('non-idempotent', 'CREATE INDEX CONCURRENTLY ix ON t (a);', { transaction: 'false' })).toEqual(['9 non-idempotent']);
    expect(await lintRule('non-idempotent', 'ALTER TABLE t ADD COLUMN c int;', { transaction: 'false' })).toEqual(['9 non-idempotent']);
  });
  it('accepts the IF [NOT] EXISTS forms, and anything in a transactional revision', async () => {
    expect(await lintRule('non-idempotent', 'CREATE INDEX CONCURRENTLY IF NOT EXISTS ix ON t (a);\nALTER TABLE t ADD COLUMN IF NOT EXISTS c int;\nDROP INDEX CONCURRENTLY IF EXISTS ix2;', { transaction: 'false' })).toEqual([]);
    expect(await lintRule('non-idempotent', 'ALTER TABLE t ADD COLUMN c int;')).toEqual([]);
  });
});
