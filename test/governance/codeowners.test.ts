import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ownersOf, parseCodeowners } from '../../src/codeowners/parse.js';
import { runCli } from '../helpers/cli.js';
import { git } from '../helpers/tmp.js';
import { fixtureRepo } from './fixtures.js';

describe('CODEOWNERS semantics', () => {
  const { rules } = parseCodeowners(
    ['*       @org/all', '/docs/*  @org/docs', 'apps/   @org/apps', '*.sql   @org/dba', '/src/**/secret.ts @org/sec', '/src/vendor/', '**/logs @org/ops'].join('\n'),
  );
  it.each([
    ['README.md', ['@org/all']],
    ['docs/a.md', ['@org/docs']],
    ['docs/deep/a.md', ['@org/all']],
    ['apps/x/y.ts', ['@org/apps']],
    ['nested/apps/y.ts', ['@org/apps']],
    ['migrations/1_x.sql', ['@org/dba']],
    ['src/a/b/secret.ts', ['@org/sec']],
    ['src/vendor/lib.ts', []],
    ['a/logs/x.txt', ['@org/ops']],
  ])('%s → %j (last match wins, no owners unassign)', (path, owners) => {
    expect(ownersOf(rules, path).owners).toEqual(owners);
  });
});

describe('finbrain check codeowners', () => {
  it('reports each kind of error, and a protected path left unowned', async () => {
    const dir = fixtureRepo({
      'finbrain.config.json': JSON.stringify({ checks: { security: { enabled: false }, codeowners: { protectedPaths: ['migrations/', 'src/writer/', 'CODEOWNERS'] } } }),
      '.github/CODEOWNERS': ['# owners', '/src/       @org/dev', '/src/       @org/dev2', '!/secret    @org/x', '/docs/      not-an-owner', '/nothing/   @org/dev', '/migrations/', '/.github/CODEOWNERS @org/dev'].join('\n'),
      'src/writer/w.ts': 'export {};\n',
      'migrations/a1_x.sql': 'SELECT 1;\n',
      'docs/a.md': 'x\n',
    });
    const r = await runCli(['check', 'codeowners', '--json'], { cwd: dir });
    expect(r.code).toBe(1);
    const found = JSON.parse(r.stdout).findings.map((f: { ruleId: string; line: number; path?: string }) => `${f.line} ${f.ruleId}${f.path ? ` ${f.path}` : ''}`);
    expect(found).toEqual([
      '1 codeowners/unowned-protected-path migrations/',
      '3 codeowners/duplicate-pattern',
      '4 codeowners/syntax',
      '5 codeowners/invalid-owner',
      '6 codeowners/no-match',
    ]);
  });

  it('reports a missing CODEOWNERS', async () => {
    const dir = fixtureRepo({ 'finbrain.config.json': '{"checks":{"security":{"enabled":false}}}', 'a.txt': 'x\n' });
    const r = await runCli(['check', 'codeowners', '--json'], { cwd: dir });
    expect(JSON.parse(r.stdout).findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['codeowners/missing']);
  });

  it('protects by default what the config names: the writers, the migrations folder, the config, the finbrain workflow and CODEOWNERS', async () => {
    const config = { migrationsDir: 'db/migrations', singleWriter: { protectedTables: ['payments'], writers: ['src/payments/**', 'lib/ledger/*.js'] }, checks: { security: { enabled: false } } };
    const dir = fixtureRepo({
      'finbrain.config.json': JSON.stringify(config),
      '.github/CODEOWNERS': '/docs/ @acme/docs\n',
      '.github/workflows/finbrain.yml': 'name: finbrain\n',
      'src/payments/writer.ts': 'export {};\n',
      'lib/ledger/writer.js': 'export {};\n',
      'lib/ledger/other.ts': 'export {};\n',
      'db/migrations/a1_x.sql': 'SELECT 1;\n',
      'docs/a.md': 'x\n',
      // FinBrain's own folders are nothing to a user: never demanded by default.
      'src/runtime/guard.ts': 'export {};\n',
      'checks/x.ts': 'export {};\n',
    });
    const r = await runCli(['check', 'codeowners', '--json'], { cwd: dir });
    expect(r.code).toBe(1);
    const unowned = JSON.parse(r.stdout).findings.filter((f: { ruleId: string }) => f.ruleId === 'codeowners/unowned-protected-path').map((f: { path: string }) => f.path);
    expect(unowned).toEqual(['src/payments/', 'lib/ledger/*.js', 'db/migrations/', 'finbrain.config.json', '.github/workflows/finbrain.yml', '.github/CODEOWNERS']);

    // Owning them is what makes the check pass; a glob writer is owned file by file.
    writeFileSync(
      join(dir, '.github/CODEOWNERS'),
      ['/docs/ @acme/docs', '/src/payments/ @acme/pay', '/lib/ledger/writer.js @acme/pay', '/db/migrations/ @acme/dba', '/finbrain.config.json @acme/pay', '/.github/ @acme/platform'].join('\n'),
    );
    git(dir, ['add', '-A']);
    git(dir, ['commit', '-q', '-m', 'owners']);
    const owned = await runCli(['check', 'codeowners', '--json'], { cwd: dir });
    expect(JSON.parse(owned.stdout).findings).toEqual([]);
    expect(owned.code).toBe(0);
  });

  it('does not demand the finbrain workflow or the config of a project that has none', async () => {
    const dir = fixtureRepo({ 'CODEOWNERS': '/migrations/ @acme/dba\n/CODEOWNERS @acme/dba\n', 'migrations/a1_x.sql': 'SELECT 1;\n' });
    const r = await runCli(['check', 'codeowners', '--json'], { cwd: dir });
    expect(JSON.parse(r.stdout).findings).toEqual([]);
  });

  it('names what a missing CODEOWNERS leaves unreviewed, with the lines to add', async () => {
    const dir = fixtureRepo({ 'finbrain.config.json': JSON.stringify({ singleWriter: { protectedTables: ['payments'], writers: ['src/payments/**'] }, checks: { security: { enabled: false } } }), 'src/payments/w.ts': 'export {};\n' });
    const r = await runCli(['check', 'codeowners', '--json'], { cwd: dir });
    const [missing] = JSON.parse(r.stdout).findings;
    expect(missing.message).toContain('nobody has to review changes to src/payments/, migrations/, finbrain.config.json, CODEOWNERS');
    expect(missing.hint).toContain('`/src/payments/ @your-org/your-team`');
    expect(missing.hint).toContain('`/.github/CODEOWNERS @your-org/your-team`');
  });
});
