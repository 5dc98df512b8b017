import { describe, expect, it } from 'vitest';
import { lintRule } from './lint-kit.test-support.js';

const engineOff = { config: { migrate: { lockTimeoutMs: 0 } } };

describe('migrations/require-lock-timeout', () => {
  it("flags lock-taking DDL when the engine's lock_timeout is off and the revision sets none, once per revision", async () => {
    expect(await lintRule('require-lock-timeout', 'ALTER TABLE t ADD COLUMN c int;\nALTER TABLE t ADD COLUMN d int;', engineOff)).toEqual(['8 require-lock-timeout']);
  });
  it('accepts a revision that sets lock_timeout, and the default engine setting', async () => {
    expect(await lintRule('require-lock-timeout', "SET lock_timeout = '5s';\nALTER TABLE t ADD COLUMN c int;", engineOff)).toEqual([]);
    expect(await lintRule('require-lock-timeout', 'ALTER TABLE t ADD COLUMN c int;')).toEqual([]);
  });
});
