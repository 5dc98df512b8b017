import { describe, expect, it } from 'vitest';
import { lintRule } from './lint-kit.test-support.js';

describe('migrations/drop-without-note', () => {
  it('flags DROP COLUMN and DROP TABLE with no note', async () => {
    expect(await lintRule('drop-without-note', 'ALTER TABLE t DROP COLUMN b;')).toEqual(['8 drop-without-note']);
    expect(await lintRule('drop-without-note', 'DROP TABLE p;')).toEqual(['8 drop-without-note']);
  });
  it('accepts a `-- note:` right above, or a description naming the object', async () => {
    expect(await lintRule('drop-without-note', '-- note: b has not been read since release 42\nALTER TABLE t DROP COLUMN b;')).toEqual([]);
    expect(await lintRule('drop-without-note', 'ALTER TABLE t DROP COLUMN b;', { description: 'Drops column b: nothing reads it since 2025.' })).toEqual([]);
  });
  it('does not take a note above other code as the note of this statement', async () => {
    expect(await lintRule('drop-without-note', '-- note: about the next line\nSELECT 1;\nALTER TABLE t DROP COLUMN b;')).toEqual(['10 drop-without-note']);
  });
});
