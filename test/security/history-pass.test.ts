import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { git, makeTree, tempDir, writeTree } from '../helpers/tmp.js';
import { rand } from './planted.js';

/** A `git` first on PATH that logs every invocation, then runs the real one. */
function gitSpy(): { bin: string; log: string } {
  const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  const bin = tempDir('finbrain-gitspy-');
  const log = join(bin, 'calls.log');
  writeFileSync(join(bin, 'git'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${real}' "$@"\n`);
  chmodSync(join(bin, 'git'), 0o755);
  return { bin, log };
}

describe('check security --history', () => {
  it('reads the whole history in one git log -p pass, and finds a secret in an edited file at its line in that commit', async () => {
    const dir = makeTree({ 'finbrain.config.json': '{"checks":{"codeowners":{"enabled":false}}}', 'src/app.ts': 'export const a = 1;\n' });
    git(dir, ['init', '-q', '-b', 'main']);
    git(dir, ['add', '-A']);
    git(dir, ['commit', '-q', '-m', 'start']);
    const stripe = `sk_live_${rand(32)}`;
    let added = '';
    for (let i = 0; i < 30; i++) {
      const body = Array.from({ length: 20 }, (_, j) => `export const v${j} = ${i * 100 + j};`);
      // Commit 10 puts the key in the middle of the file; commit 11 takes it out again.
      if (i === 10) body.splice(7, 0, `export const stripe = '${stripe}';`);
      writeTree(dir, { 'src/app.ts': `${body.join('\n')}\n` });
      git(dir, ['commit', '-q', '-am', `change ${i}`]);
      if (i === 10) added = git(dir, ['rev-parse', 'HEAD']).trim();
    }
    const spy = gitSpy();
    const r = await runCli(['check', 'security', '--history', '--json'], { cwd: dir, env: { PATH: `${spy.bin}:${process.env.PATH}` } });
    expect(r.code, r.stderr).toBe(1);
    const findings = JSON.parse(r.stdout).findings as { ruleId: string; file: string; line: number; commit: string; detector: string }[];
    expect(findings.map((f) => `${f.file}:${f.line} ${f.ruleId} ${f.detector} ${f.commit}`)).toEqual([`src/app.ts:8 security/secret-in-history finbrain/stripe-key ${added}`]);
    const logCalls = readFileSync(spy.log, 'utf8').split('\n').filter((l) => /(^| )log( |$)/.test(l));
    expect(logCalls).toHaveLength(1);
    expect(logCalls[0]).toMatch(/ log -p -U0 /);
    expect(JSON.parse(r.stdout).summary.checks.security.historyCommits).toBe(31);
  });
});
