import { describe, expect, it } from 'vitest';
import { lintRule } from './lint-kit.test-support.js';

describe('migrations/set-not-null', () => {
  it('flags SET NOT NULL without a proving CHECK', async () => {
    expect(await lintRule('set-not-null', 'ALTER TABLE t ALTER COLUMN a SET NOT NULL;')).toEqual(['8 set-not-null']);
  });
  it('accepts the CHECK (col IS NOT NULL) NOT VALID, VALIDATE, SET NOT NULL pattern, read from the parse tree', async () => {
    expect(await lintRule('set-not-null', 'ALTER TABLE t ADD CONSTRAINT a_nn CHECK (a IS NOT NULL) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT a_nn;\nALTER TABLE t ALTER COLUMN a SET NOT NULL;')).toEqual([]);
  });
  it('is not fooled by a CHECK on another column or a CHECK that is not a NOT NULL test', async () => {
    expect(await lintRule('set-not-null', 'ALTER TABLE t ADD CONSTRAINT b_nn CHECK (b IS NOT NULL) NOT VALID;\nALTER TABLE t ALTER COLUMN a SET NOT NULL;')).toEqual(['9 set-not-null']);
    expect(await lintRule('set-not-null', "ALTER TABLE t ADD CONSTRAINT a_c CHECK (a IS NULL OR b <> 'IS_NOT_NULL') NOT VALID;\nALTER TABLE t ALTER COLUMN a SET NOT NULL;")).toEqual(['9 set-not-null']);
  });
});
