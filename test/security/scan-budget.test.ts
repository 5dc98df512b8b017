import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { git, makeTree } from '../helpers/tmp.js';

const files = (budget: number) => ({
  'finbrain.config.json': JSON.stringify({ checks: { security: { maxScanBytes: budget } } }),
  'src/a.ts': 'export const a = 1;\n'.repeat(100),
  'src/b.ts': 'export const b = 2;\n'.repeat(100),
});

describe('check security holds all text in scope at once, so it refuses more than checks.security.maxScanBytes before reading', () => {
  it('outside a git work tree (every file under the root): exit 2, the size, the setting and the fix; no findings printed', async () => {
    const dir = makeTree(files(3000));
    for (const args of [['check', 'security'], ['check', 'security', '--format', 'json'], ['check', 'all']]) {
      const r = await runCli(args, { cwd: dir });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      const said = args.includes('json') ? JSON.parse(r.stdout) : { message: r.stderr, hint: r.stderr };
      expect(said.message).toContain(`${dir}: 3 files, 4.0 kB of text in scope, over checks.security.maxScanBytes (3.0 kB); nothing was scanned.`);
      expect(said.hint).toMatch(/not a git work tree.*run the check in your repository/);
      if (!args.includes('json')) expect(r.stdout).toBe('');
    }
  });

  it('in a git work tree the hint is about what is tracked; under the budget the scan runs', async () => {
    const dir = makeTree(files(3000));
    git(dir, ['init', '-q']);
    git(dir, ['add', '-A']);
    const over = await runCli(['check', 'security'], { cwd: dir });
    expect(over.code).toBe(2);
    expect(over.stderr).toMatch(/Stop tracking generated or vendored text, or raise checks\.security\.maxScanBytes/);
    const fits = makeTree(files(1_000_000));
    git(fits, ['init', '-q']);
    git(fits, ['add', '-A']);
    const ok = await runCli(['check', 'security', '--format', 'json'], { cwd: fits });
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).summary.checks.security.files).toBe(3);
  });
});
