import { describe, expect, it } from 'vitest';
import { copyFixture, expectedFindings, findings } from './fixtures.js';

describe('binding with scopes', () => {
  it('locals, parameters, blocks, loop heads, catch, destructuring (defaults, rest, nested), hoisted var and function declarations shadow an import only in their scope; const aliases fold', async () => {
    const root = copyFixture('scopes');
    const expected = expectedFindings(root);
    expect(expected.filter((e) => e.includes('protected-write'))).toHaveLength(6);
    expect(expected.filter((e) => e.includes('unverifiable-sql'))).toHaveLength(12);
    expect(await findings(root)).toEqual(expected);
  });
});

describe('Object.prototype names', () => {
  it('toLocaleString, hasOwnProperty, toString, valueOf, constructor, isPrototypeOf are no sinks', async () => {
    const root = copyFixture('prototype-names');
    expect(await findings(root)).toEqual(['src/names.ts:16 protected-write expenses delete']);
    expect(expectedFindings(root)).toEqual(['src/names.ts:16 protected-write expenses delete']);
  });
});
