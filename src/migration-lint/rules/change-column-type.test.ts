import { describe, expect, it } from 'vitest';
import { lintRule } from './lint-kit.test-support.js';

describe('migrations/change-column-type', () => {
  it('flags ALTER COLUMN TYPE on an existing table', async () => {
    expect(await lintRule('change-column-type', 'ALTER TABLE t ALTER COLUMN a TYPE bigint;')).toEqual(['8 change-column-type']);
  });
  it('accepts it on a table created in the same revision', async () => {
    expect(await lintRule('change-column-type', 'CREATE TABLE n (a int);\nALTER TABLE n ALTER COLUMN a TYPE bigint;')).toEqual([]);
  });
});
