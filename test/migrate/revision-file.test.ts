import { describe, expect, it } from 'vitest';
import { parseRevisionFile } from '../../src/revisions/revision-file.js';
import { RevisionGraph } from '../../src/revisions/revision-graph.js';
import { RevisionError } from '../../src/errors.js';

const sql = (id: string, revises: string, body = 'SELECT 1;', extra = '') => `-- summary of ${id}
--
-- Revision ID: ${id}
-- Revises: ${revises}
-- Create Date: 2025-09-14 06:01:28.658532
${extra}--
-- Free text.
--    indented line

-- migrate:up
${body}
-- migrate:down
SELECT 2;
`;

const parse = (name: string, content: string) => parseRevisionFile(`/p/migrations/${name}`, content, '/p');

describe('parseRevisionFile', () => {
  it('reads the header statically', () => {
    const f = parse('aaa_x.sql', sql('aaa', '', 'SELECT 1;', '-- Type: Index Operations\n-- Author: someone\n-- Transaction: auto\n'));
    expect(f).toMatchObject({
      revision: 'aaa',
      parents: [],
      summary: 'summary of aaa',
      createDate: '2025-09-14 06:01:28.658532',
      type: 'Index Operations',
      author: 'someone',
      transaction: 'auto',
      description: 'Free text.\n   indented line',
      relPath: 'migrations/aaa_x.sql',
      reversible: true,
      upLine: 13,
    });
    expect(f.upSql!.trim()).toBe('SELECT 1;');
    expect(f.downSql!.trim()).toBe('SELECT 2;');
  });

  it('reads merge parents and TS headers', () => {
    const f = parse(
      'ccc_merge.ts',
      `/**\n * merge heads\n *\n * Revision ID: ccc\n * Revises: aaa, bbb\n * Create Date: 2025-01-01\n */\nexport async function up(ctx) {}\n`,
    );
    expect(f).toMatchObject({ revision: 'ccc', parents: ['aaa', 'bbb'], summary: 'merge heads', reversible: false, format: 'ts' });
  });

  it('header prose is not part of the checksum', () => {
    const a = parse('aaa_x.sql', sql('aaa', ''));
    const b = parse('aaa_x.sql', sql('aaa', '').replace('Free text.', 'Other text.'));
    const c = parse('aaa_x.sql', sql('aaa', '', 'SELECT 3;'));
    expect(a.checksum).toBe(b.checksum);
    expect(a.checksum).not.toBe(c.checksum);
  });

  it.each([
    ['missing Revision ID', 'aaa_x.sql', '-- s\n-- Revises:\n-- migrate:up\nSELECT 1;', /missing `Revision ID:`/],
    ['missing up', 'aaa_x.sql', '-- s\n--\n-- Revision ID: aaa\n-- Revises:\n\nSELECT 1;', /missing `-- migrate:up`/],
    ['name mismatch', 'bbb_x.sql', sql('aaa', ''), /file name starts with "bbb"/],
    ['bad transaction', 'aaa_x.sql', sql('aaa', '', 'SELECT 1;', '-- Transaction: maybe\n'), /invalid `Transaction: maybe`/],
  ])('rejects %s, naming the file', (_n, name, content, message) => {
    expect(() => parse(name, content)).toThrow(message);
    expect(() => parse(name, content)).toThrow(/migrations\//);
  });
});

describe('RevisionGraph', () => {
  const f = (id: string, revises: string) => parse(`${id}_x.sql`, sql(id, revises));

  it('orders by the chain, not by file name', () => {
    const g = new RevisionGraph([f('zzz', ''), f('aaa', 'zzz'), f('mmm', 'aaa')]);
    expect(g.order.map((r) => r.revision)).toEqual(['zzz', 'aaa', 'mmm']);
    expect(g.heads()).toEqual(['mmm']);
  });

  it('finds two heads and merges', () => {
    const g = new RevisionGraph([f('a', ''), f('b', 'a'), f('c', 'a'), f('d', 'b,c')]);
    expect(g.heads()).toEqual(['d']);
    expect(new RevisionGraph([f('a', ''), f('b', 'a'), f('c', 'a')]).heads()).toEqual(['b', 'c']);
  });

  it('rejects duplicates naming both files', () => {
    const a = f('a', '');
    const b = { ...f('a', ''), relPath: 'migrations/a_other.sql' };
    expect(() => new RevisionGraph([a, b])).toThrow(/duplicate revision id a in migrations\/a_x.sql and migrations\/a_other.sql/);
  });

  it('rejects an unknown parent and a cycle', () => {
    expect(() => new RevisionGraph([f('a', 'nope')])).toThrow(/unknown revision nope/);
    const err = (() => {
      try {
        new RevisionGraph([f('a', ''), f('b', 'a,c'), f('c', 'b')]);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(RevisionError);
    expect((err as Error).message).toMatch(/cycle: (b -> c -> b|c -> b -> c)/);
  });
});
