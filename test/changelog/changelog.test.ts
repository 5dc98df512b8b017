import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runChangelog } from '../../src/changelog/run-changelog.js';
import { START_MARKER, END_MARKER } from '../../src/changelog/render.js';
import { runCli } from '../helpers/cli.js';
import { sqlRevision } from '../helpers/revisions.js';
import { git, makeTree, tempDir, writeTree } from '../helpers/tmp.js';

const alice = { name: 'alice', email: 'alice@example.com' };
const bob = { name: 'bob', email: 'bob@example.com' };

function repo(files: Record<string, string>, author = alice): string {
  const dir = makeTree(files);
  git(dir, ['init', '-q', '-b', 'main']);
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '-m', 'init'], author);
  return dir;
}

describe('changelog authors from one git log pass', () => {
  it('keeps the original author of a file renamed after it was added', async () => {
    const dir = repo({ 'migrations/a1_first_name.sql': sqlRevision({ id: 'a1', up: 'CREATE TABLE t (id int);' }) }, alice);
    git(dir, ['mv', 'migrations/a1_first_name.sql', 'migrations/a1_better_name.sql']);
    writeTree(dir, { 'migrations/b2_more.sql': sqlRevision({ id: 'b2', revises: 'a1', up: 'CREATE TABLE u (id int);' }) });
    git(dir, ['add', '-A']);
    git(dir, ['commit', '-q', '-m', 'rename and add'], bob);
    const r = await runChangelog({ cwd: dir, dryRun: true });
    expect(r.revisions.map((e) => [e.revision, e.author, e.file])).toEqual([
      ['b2', 'bob', 'b2_more.sql'],
      ['a1', 'alice', 'a1_better_name.sql'],
    ]);
    expect(r.warnings).toEqual([]);
  });

  it('lets an Author: field win over git', async () => {
    const dir = repo({ 'migrations/a1_x.sql': sqlRevision({ id: 'a1', up: 'SELECT 1;', author: 'carol' }) });
    expect((await runChangelog({ cwd: dir, dryRun: true })).revisions[0]!.author).toBe('carol');
  });

  it('warns on a shallow clone and says how to fix it', async () => {
    const origin = repo({ 'migrations/a1_x.sql': sqlRevision({ id: 'a1', up: 'CREATE TABLE t (id int);' }) }, alice);
    writeTree(origin, { 'migrations/b2_x.sql': sqlRevision({ id: 'b2', revises: 'a1', up: 'CREATE TABLE u (id int);' }) });
    git(origin, ['add', '-A']);
    git(origin, ['commit', '-q', '-m', 'second'], bob);
    const clone = join(tempDir('finbrain-shallow-'), 'c');
    execFileSync('git', ['clone', '-q', '--depth', '1', `file://${origin}`, clone]);
    const r = await runChangelog({ cwd: clone, dryRun: true });
    expect(r.warnings.join('\n')).toMatch(/shallow clone/);
    expect(r.warnings.join('\n')).toMatch(/fetch-depth: 0/);
  });

  it('outside git the author is unknown, with a warning', async () => {
    const dir = makeTree({ 'migrations/a1_x.sql': sqlRevision({ id: 'a1', up: 'SELECT 1;' }) });
    const r = await runChangelog({ cwd: dir, dryRun: true });
    expect(r.revisions[0]!.author).toBe('unknown');
    expect(r.warnings.join('\n')).toMatch(/not in a git repository/);
  });
});

describe('changelog content', () => {
  it('lists a merge revision with both parents, newest first', async () => {
    const dir = repo({
      'migrations/a1_x.sql': sqlRevision({ id: 'a1', up: 'CREATE TABLE a (id int);', date: '2025-01-01 00:00:00.000000' }),
      'migrations/b2_x.sql': sqlRevision({ id: 'b2', revises: 'a1', up: 'CREATE TABLE b (id int);', date: '2025-01-02 00:00:00.000000' }),
      'migrations/c3_x.sql': sqlRevision({ id: 'c3', revises: 'a1', up: 'CREATE TABLE c (id int);', date: '2025-01-03 00:00:00.000000' }),
      'migrations/d4_merge.sql': sqlRevision({ id: 'd4', revises: 'b2, c3', up: 'SELECT 1;', type: 'Merge' }),
    });
    const r = await runChangelog({ cwd: dir, dryRun: true });
    expect(r.revisions.map((e) => e.revision)).toEqual(['d4', 'c3', 'b2', 'a1']);
    expect(r.content).toContain('### Revision: d4\n- **Summary**: revision d4\n\nRevision ID: d4\nRevises: b2, c3\n');
    expect(r.content).toContain('- **Previous**: b2, c3\n');
    expect(r.content).toContain('- **Previous**: None\n');
  });

  it.each([
    ['CREATE INDEX ix ON t (a); DROP INDEX ix2;', 'Index Operations'],
    ['CREATE TABLE x (id int);', 'Schema Addition'],
    ['ALTER TABLE t ADD COLUMN c int;', 'Schema Addition'],
    ['DROP TABLE t;', 'Schema Removal'],
    ['ALTER TABLE t DROP COLUMN c;', 'Schema Removal'],
    ['ALTER TABLE t ALTER COLUMN c TYPE bigint;', 'Schema Change'],
    ["UPDATE t SET a = 1; INSERT INTO t VALUES (1); DELETE FROM t;", 'Data'],
    ['CREATE TABLE x (id int); CREATE TABLE y (id int); INSERT INTO x VALUES (1); CREATE INDEX i ON x (id);', 'Schema Addition (also Index Operations, Data)'],
  ])('infers the type of %s', async (up, type) => {
    const dir = makeTree({ 'migrations/a1_x.sql': sqlRevision({ id: 'a1', up, author: 'x' }) });
    const r = await runChangelog({ cwd: dir, dryRun: true });
    expect(r.revisions[0]!.type).toBe(type);
    expect(r.revisions[0]!.typeSource).toBe('inferred');
  });

  it('takes an explicit Type:, reads static SQL from TS revisions, and defaults dynamic TS to Schema Change', async () => {
    const ts = (id: string, body: string) =>
      `/**\n * ts\n *\n * Revision ID: ${id}\n * Revises: \n * Create Date: 2025-01-01\n * Author: x\n */\nexport async function up(ctx) {\n${body}\n}\n`;
    const dir = makeTree({
      'migrations/a1_x.sql': sqlRevision({ id: 'a1', up: 'CREATE TABLE x (id int);', type: 'Data', author: 'x' }),
      'migrations/b2_x.ts': ts('b2', "  await ctx.query('CREATE INDEX i ON t (a)');").replace('Revises: ', 'Revises: a1'),
      'migrations/c3_x.ts': ts('c3', '  await ctx.query(`CREATE TABLE ${name} (id int)`);').replace('Revises: ', 'Revises: b2'),
    });
    const r = await runChangelog({ cwd: dir, dryRun: true });
    expect(r.revisions.map((e) => [e.revision, e.type, e.typeSource])).toEqual([
      ['c3', 'Schema Change', 'default'],
      ['b2', 'Index Operations', 'inferred'],
      ['a1', 'Data', 'header'],
    ]);
    expect(r.content).toContain('- **File**: `b2_x.ts`');
  });

  it('types a TS revision by its up only, whether it exports `{ up, down }` or has `//` inside a string', async () => {
    const header = (id: string, revises: string) => `/**\n * ts\n *\n * Revision ID: ${id}\n * Revises: ${revises}\n * Create Date: 2025-01-01\n * Author: x\n */\n`;
    const dir = makeTree({
      'migrations/a1_x.ts':
        header('a1', '') +
        "async function up(ctx) {\n  await ctx.query('CREATE INDEX i ON t (a)');\n}\nasync function down(ctx) {\n  await ctx.query('DROP TABLE t');\n  await ctx.query('DROP TABLE u');\n}\nexport { up, down };\n",
      'migrations/b2_x.ts': header('b2', 'a1') + "export async function up(ctx) {\n  await ctx.query(\"ALTER TABLE t ADD COLUMN site text DEFAULT 'https://x.test//a'\");\n}\n",
    });
    const r = await runChangelog({ cwd: dir, dryRun: true });
    expect(r.revisions.map((e) => [e.revision, e.type, e.typeSource])).toEqual([
      ['b2', 'Schema Addition', 'inferred'],
      ['a1', 'Index Operations', 'inferred'],
    ]);
  });
});

describe('CHANGELOG.md markers, --check and idempotence', () => {
  const files = {
    'migrations/a1_x.sql': sqlRevision({ id: 'a1', up: 'CREATE TABLE a (id int);', author: 'alice' }),
  };

  it('keeps hand-written text above, between and below the markers byte for byte', async () => {
    const dir = makeTree(files);
    const above = '# My log\n\n## 🎉 Release notes — hand written\n\nSome *text*  with trailing spaces  \n\n';
    const below = '\n## Older notes\n\nkept ✓\n';
    writeFileSync(join(dir, 'CHANGELOG.md'), `${above}${START_MARKER}\nstale\n${END_MARKER}\n${below}`);
    await runChangelog({ cwd: dir });
    const out = readFileSync(join(dir, 'CHANGELOG.md'), 'utf8');
    expect(out.startsWith(`${above}${START_MARKER}\n### Revision: a1\n`)).toBe(true);
    expect(out.endsWith(`${END_MARKER}\n${below}`)).toBe(true);
    expect(out).not.toContain('stale');
  });

  it('inserts under the Database Migration History heading when there are no markers, losing nothing', async () => {
    const dir = makeTree(files);
    const doc = '# Log\n\nintro\n\n## Database Migration History\n\nhand-written history intro\n\n## Later section\n\nbelow\n';
    writeFileSync(join(dir, 'CHANGELOG.md'), doc);
    await runChangelog({ cwd: dir });
    const out = readFileSync(join(dir, 'CHANGELOG.md'), 'utf8');
    for (const part of ['# Log\n\nintro\n\n', '## Database Migration History\n\nhand-written history intro\n\n', '## Later section\n\nbelow\n']) expect(out).toContain(part);
    expect(out.indexOf('hand-written history intro')).toBeLessThan(out.indexOf('### Revision: a1'));
    expect(out.indexOf('### Revision: a1')).toBeLessThan(out.indexOf('## Later section'));
  });

  it('writes the seed preamble structure when there is no file, and a second run changes nothing', async () => {
    const dir = makeTree(files);
    await runChangelog({ cwd: dir });
    const first = readFileSync(join(dir, 'CHANGELOG.md'), 'utf8');
    expect(first).toMatch(/^# .*Changelog\n\nAll notable database schema changes/);
    expect(first).toContain('[Keep a Changelog](https://keepachangelog.com/en/1.0.0/)');
    expect(first).toContain('## Format\nEach migration entry includes:');
    const again = await runChangelog({ cwd: dir });
    expect(again.stale).toBe(false);
    expect(readFileSync(join(dir, 'CHANGELOG.md'), 'utf8')).toBe(first);
  });

  it('--check: 0 when fresh, 1 with a unified diff when stale or hand-edited, and writes nothing', async () => {
    const dir = makeTree(files);
    expect((await runCli(['changelog'], { cwd: dir })).code).toBe(0);
    expect((await runCli(['changelog', '--check'], { cwd: dir })).code).toBe(0);

    writeTree(dir, { 'migrations/b2_x.sql': sqlRevision({ id: 'b2', revises: 'a1', up: 'DROP TABLE a;', author: 'bob' }) });
    const stale = await runCli(['changelog', '--check'], { cwd: dir });
    expect(stale.code).toBe(1);
    expect(stale.stdout).toMatch(/^--- a\/CHANGELOG\.md/m);
    expect(stale.stdout).toMatch(/^\+### Revision: b2$/m);
    expect(stale.stderr).toMatch(/out of date/);
    expect(readFileSync(join(dir, 'CHANGELOG.md'), 'utf8')).not.toContain('b2');

    await runCli(['changelog'], { cwd: dir });
    const path = join(dir, 'CHANGELOG.md');
    writeFileSync(path, readFileSync(path, 'utf8').replace('- **Author**: bob', '- **Author**: mallory'));
    const edited = await runCli(['changelog', '--check'], { cwd: dir });
    expect(edited.code).toBe(1);
    expect(edited.stdout).toMatch(/^-- \*\*Author\*\*: mallory$/m);
    expect(edited.stdout).toMatch(/^\+- \*\*Author\*\*: bob$/m);
  });

  it('exits 2 on bad revision files', async () => {
    const dir = makeTree({ 'migrations/a1_x.sql': '-- no id\n-- migrate:up\nSELECT 1;\n' });
    const r = await runCli(['changelog', '--check'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/a1_x\.sql: missing `Revision ID:`/);
  });
});

describe('the seed', () => {
  it("reproduces the seed's migration history section from seed-equivalent revision files", async () => {
    // A copy of shared/seed/CHANGELOG.md, the document this project rebuilds.
    const seed = readFileSync(new URL('../fixtures/seed-CHANGELOG.md', import.meta.url), 'utf8');
    const repoChangelog = readFileSync(new URL('../../CHANGELOG.md', import.meta.url), 'utf8');
    // Later revisions (FinBrain's own, after the seed's three) are dropped for the comparison.
    const seedIds = ['30b14b696ef7', 'cf6afe03b206', '5b555895a514'];
    const withoutMarkers = repoChangelog
      .replace(`${START_MARKER}\n`, '')
      .replace(`${END_MARKER}\n`, '')
      .split(/(?=^### Revision: )/m)
      .filter((block) => !block.startsWith('### Revision: ') || seedIds.some((id) => block.startsWith(`### Revision: ${id}\n`)))
      .join('');
    // Identical but for the File lines, which name our .sql revision files.
    const expected = seed.replace(/(\*\*File\*\*: `[0-9a-f]{12}_[a-z_]+)\.py`/g, '$1.sql`');
    expect(withoutMarkers).toBe(expected);
  });
});
