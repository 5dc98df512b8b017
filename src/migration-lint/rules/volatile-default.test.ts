import { describe, expect, it } from 'vitest';
import { lintRule } from './lint-kit.test-support.js';

describe('migrations/volatile-default', () => {
  it('flags ADD COLUMN with a volatile default on an existing table', async () => {
    expect(await lintRule('volatile-default', 'ALTER TABLE t ADD COLUMN c uuid DEFAULT gen_random_uuid();')).toEqual(['8 volatile-default']);
    expect(await lintRule('volatile-default', 'ALTER TABLE t ADD COLUMN c float8 DEFAULT (random() * 10);')).toEqual(['8 volatile-default']);
  });
  it('accepts a stable default (now()) and any default on a table created here', async () => {
    expect(await lintRule('volatile-default', 'ALTER TABLE t ADD COLUMN c timestamptz DEFAULT now();')).toEqual([]);
    expect(await lintRule('volatile-default', 'CREATE TABLE n (id int);\nALTER TABLE n ADD COLUMN c uuid DEFAULT gen_random_uuid();')).toEqual([]);
  });
});
