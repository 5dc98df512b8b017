import { describe, expect, it } from 'vitest';
import { ownersOf, parseCodeowners } from '../../src/codeowners/parse.js';
import { runCli } from '../helpers/cli.js';
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
});
