import { describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../helpers/cli.js';
import { git, writeTree } from '../helpers/tmp.js';
import { fixtureRepo, secrets } from '../governance/fixtures.js';

function securityRepo() {
  return fixtureRepo({
    'finbrain.config.json': JSON.stringify({
      checks: {
        codeowners: { enabled: false },
        security: { allow: [{ rule: 'finbrain/postgres-url-password', path: 'docs/**', match: 'demo@localhost', reason: 'documented local demo database' }] },
      },
    }),
    '.env': `DATABASE_URL=postgres://app@localhost/app\nAPI_KEY=${secrets.envPassword}\n`,
    '.env.example': 'DATABASE_URL=\nAPI_KEY=<your-api-key>\nPORT=3000\n',
    'deploy/id_rsa': secrets.privateKey,
    'config/db.ts': `export const url = '${secrets.pgUrl}';\n`,
    'src/client.ts': `export const token = '${secrets.githubToken}';\n`,
    'docs/local.md': `Connect with \`${secrets.allowlisted}\`.\n`,
    'src/ok.ts': `// finbrain-ignore-secret: a documented sample, not a credential\nexport const sample = '${secrets.pgUrl.replace('svc', 'sample')}';\n`,
    'src/db.ts': `import { Pool } from 'pg';\nimport { exec } from 'node:child_process';\nexport const pool = new Pool();\nexport const byName = (name: string) => pool.query('SELECT * FROM users WHERE name = \\'' + name + '\\'');\nexport const safe = (name: string) => pool.query('SELECT * FROM users WHERE name = $1', [name]);\nexport const run = (cmd: string) => exec('ls ' + cmd);\nexport const calc = (s: string) => eval(s);\n`,
  });
}

describe('finbrain check security', () => {
  it('finds exactly the committed env file, the secrets and the dangerous code', async () => {
    const dir = securityRepo();
    const r = await spawnCli(['check', 'security', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    const found = JSON.parse(r.stdout).findings.map((f: { ruleId: string; file: string; line: number; detector?: string }) => `${f.file}:${f.line} ${f.ruleId}${f.detector ? ` ${f.detector}` : ''}`);
    expect(found).toEqual([
      '.env:1 security/committed-env-file',
      'config/db.ts:1 security/secret finbrain/postgres-url-password',
      'deploy/id_rsa:1 security/secret secretlint/privatekey',
      'src/client.ts:1 security/secret secretlint/github',
      'src/db.ts:4 security/sql-injection',
      'src/db.ts:6 security/shell-injection',
      'src/db.ts:7 security/eval',
    ]);
  });

  it('never prints a secret unmasked, in any format', async () => {
    const dir = securityRepo();
    const keyBody = secrets.privateKey.split('\n')[1]!;
    for (const format of ['text', 'json', 'sarif', 'github']) {
      const r = await runCli(['check', 'security', '--format', format], { cwd: dir });
      const out = r.stdout + r.stderr;
      expect(out.length, format).toBeGreaterThan(100);
      for (const s of [secrets.pgPassword, secrets.githubToken, keyBody, secrets.envPassword]) expect(out, `${format} leaks ${s.slice(0, 4)}`).not.toContain(s);
      expect(out, format).toMatch(/\*{4}/);
    }
  });

  it('scans staged changes and ignores untracked files', async () => {
    const dir = securityRepo();
    writeTree(dir, { 'untracked.ts': `export const t = '${secrets.githubToken}';\n`, 'staged.ts': `export const t = '${secrets.githubToken}';\n` });
    git(dir, ['add', 'staged.ts']);
    const files = JSON.parse((await runCli(['check', 'security', '--json'], { cwd: dir })).stdout).findings.map((f: { file: string }) => f.file);
    expect(files).toContain('staged.ts');
    expect(files).not.toContain('untracked.ts');
  });

  it('passes on an env template with placeholders only', async () => {
    const dir = fixtureRepo({ 'finbrain.config.json': '{"checks":{"codeowners":{"enabled":false}}}', '.env.example': 'DATABASE_URL=postgres://localhost/app\nSECRET=\n' });
    const r = await runCli(['check', 'security'], { cwd: dir });
    expect(r.code).toBe(0);
  });
});
