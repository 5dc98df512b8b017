import { describe, expect, it } from 'vitest';
import { copyFixture, expectedFindings, findings } from './fixtures.js';

/**
 * One fixture per library, written the way that library's documentation
 * writes code, with look-alike negatives beside the writes. Every expected
 * finding is marked on its line (`// expect: …`); every other line must be
 * silent. Nothing is installed: no node_modules in any fixture.
 */
describe.each([
  ['pg'],
  ['postgres-js'],
  ['pg-promise'],
  ['slonik'],
  ['kysely'],
  ['knex'],
  ['drizzle'],
  ['prisma'],
  ['typeorm'],
  ['sequelize'],
  ['sequelize-cjs'],
  ['sequelize-cli'],
  ['mikro-orm'],
  ['objection'],
])('%s', (lib) => {
  it('finds exactly the marked writes (file, line, table, operation) and nothing on the look-alikes', async () => {
    const root = copyFixture(`libraries/${lib}`);
    const expected = expectedFindings(root);
    expect(expected.length).toBeGreaterThan(3);
    expect(await findings(root)).toEqual(expected);
  });
});
