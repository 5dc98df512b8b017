import { describe, expect, it } from 'vitest';
import { lintRule } from './lint-kit.test-support.js';

describe('migrations/constraint-not-valid', () => {
  it('flags a validated FOREIGN KEY or CHECK on an existing table', async () => {
    expect(await lintRule('constraint-not-valid', 'ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES p (id);')).toEqual(['8 constraint-not-valid']);
    expect(await lintRule('constraint-not-valid', 'ALTER TABLE t ADD CONSTRAINT pos CHECK (a > 0);')).toEqual(['8 constraint-not-valid']);
  });
  it('accepts NOT VALID', async () => {
    expect(await lintRule('constraint-not-valid', 'ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES p (id) NOT VALID;')).toEqual([]);
  });
});
