import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { makeTree } from '../helpers/tmp.js';
import { plantedRepo } from './planted.js';

interface JsonFinding {
  ruleId: string;
  file: string;
  line: number;
  column: number;
  detector?: string;
  encoding?: string;
  commit?: string;
  introducedIn?: string;
  message: string;
  hint?: string;
}

const row = (f: JsonFinding) => `${f.file}:${f.line}:${f.column} ${f.ruleId}${f.detector ? ` ${f.detector}` : ''}${f.encoding ? ` (${f.encoding})` : ''}`;

/** What the working-tree scan must find in the planted repository: nothing more, nothing less. */
const TREE = [
  'assets/logo.png:1:1 security/not-scanned',
  'config/aws.ini:2:21 security/secret secretlint/aws',
  'config/aws.ini:3:25 security/secret secretlint/aws',
  'config/database.yml:2:27 security/secret finbrain/postgres-url-password',
  'config/database.yml:3:78 security/secret finbrain/postgres-url-password',
  'config/database.yml:4:22 security/secret finbrain/mysql-url-password',
  'config/database.yml:5:28 security/secret finbrain/mongodb-url-password',
  'config/database.yml:6:19 security/secret finbrain/redis-url-password',
  'config/utf16be.txt:1:10 security/secret finbrain/stripe-key',
  'config/utf16le.txt:2:16 security/secret secretlint/github',
  'data/big.sql:1:1 security/not-scanned',
  'deploy/encrypted.pem:1:1 security/secret finbrain/private-key-block',
  'deploy/gcp-service-account.json:5:3 security/secret secretlint/gcp',
  'deploy/id_ed25519:1:1 security/secret secretlint/privatekey',
  'deploy/id_rsa:1:1 security/secret secretlint/privatekey',
  'deploy/service.pem:1:1 security/secret secretlint/privatekey',
  'k8s/secret.yaml:6:17 security/secret finbrain/postgres-url-password (base64)',
  'k8s/secret.yaml:7:15 security/secret finbrain/stripe-key (base64)',
  'scripts/env.sh:1:12 security/secret secretlint/github (line-split)',
  'scripts/restore.sh:2:12 security/secret finbrain/pgpassword-assignment',
  'src/legacy.ts:1:29 security/secret secretlint/github',
  'src/mixed.ts:1:28 security/secret secretlint/github',
  'src/noreason.ts:2:19 security/secret secretlint/github',
  'src/providers.ts:1:24 security/secret secretlint/github',
  'src/providers.ts:2:24 security/secret finbrain/gitlab-token',
  'src/providers.ts:3:26 security/secret secretlint/slack',
  'src/providers.ts:4:27 security/secret secretlint/slack',
  'src/providers.ts:5:27 security/secret finbrain/slack-workflow-webhook',
  'src/providers.ts:6:24 security/secret finbrain/stripe-key',
  'src/providers.ts:7:34 security/secret finbrain/stripe-key',
  'src/providers.ts:8:21 security/secret secretlint/npm',
  'src/providers.ts:9:22 security/secret finbrain/pypi-upload-token',
  'src/providers.ts:10:24 security/secret finbrain/google-api-key',
  'src/providers.ts:11:23 security/secret finbrain/azure-ad-client-secret',
  'src/providers.ts:12:24 security/secret finbrain/twilio-api-key',
  'src/providers.ts:13:26 security/secret secretlint/sendgrid',
  'src/providers.ts:14:25 security/secret finbrain/jwt',
  'src/providers.ts:15:87 security/secret finbrain/azure-storage-key',
  'src/report.ts:3:88 security/secret finbrain/stripe-key',
  'src/report.ts:4:36 security/sql-injection',
  'src/report.ts:4:112 security/secret secretlint/github',
  'src/settings.ts:2:15 security/secret finbrain/generic-secret-assignment',
  'src/settings.ts:3:12 security/secret finbrain/generic-secret-assignment',
  'src/settings.ts:4:16 security/secret finbrain/generic-secret-assignment',
  'src/split.ts:2:4 security/secret finbrain/stripe-key (line-split)',
  'src/two.ts:1:23 security/secret secretlint/github',
  'src/two.ts:1:67 security/secret secretlint/npm',
];

async function scan(dir: string, args: string[] = []) {
  const r = await runCli(['check', 'security', '--format', 'json', ...args], { cwd: dir });
  expect(r.code, r.stderr).toBe(1);
  const out = JSON.parse(r.stdout) as { findings: JsonFinding[]; summary: { checks: { security: Record<string, number> } } };
  return { findings: out.findings, stats: out.summary.checks.security, stderr: r.stderr };
}

describe('check security on a repository with planted secrets', () => {
  it('finds exactly every planted secret, in every encoding, once, and notes what it could not read', async () => {
    const repo = plantedRepo({ workers: 2 });
    const { findings, stats } = await scan(repo.dir);
    expect(findings.map(row)).toEqual(TREE);
    // Two secrets on one line are two findings; the .env.example placeholders, the allow-listed
    // fixture and the suppressed docs line are none; a suppression without a reason does not count.
    expect(findings.find((f) => f.file === 'src/noreason.ts')!.hint).toMatch(/only counts with a reason/);
    expect(stats).toMatchObject({ notScanned: 2, utf16: 2, allowed: 2, workers: 2 });
    expect(findings.find((f) => f.file === 'data/big.sql')!.message).toMatch(/over checks\.security\.maxFileBytes/);
    expect(findings.find((f) => f.file === 'assets/logo.png')!.message).toMatch(/binary \(a NUL byte at offset 8\)/);
  });

  it('finds the same on the main thread as on worker threads', async () => {
    const threads = plantedRepo({ workers: 2 });
    const inline = plantedRepo({ workers: 0 });
    const a = await scan(threads.dir);
    const b = await scan(inline.dir);
    expect(a.stats.workers).toBe(2);
    expect(b.stats.workers).toBe(0);
    expect(b.findings.map(row)).toEqual(a.findings.map(row));
  });

  it('--history adds the secrets only history holds, at the commit that added them, and dates the ones still in HEAD', async () => {
    const repo = plantedRepo();
    const { findings, stats } = await scan(repo.dir, ['--history']);
    const history = findings.filter((f) => f.commit).map((f) => `${row(f)} @${f.commit === repo.historyCommit ? 'prototype' : f.commit === repo.headCommit ? 'head' : f.commit}`);
    expect(history).toEqual([
      // Too large for the working-tree scan, but its lines were added in a commit: found there.
      'data/big.sql:1:4 security/secret secretlint/github @head',
      'old/.npmrc:2:34 security/secret-in-history secretlint/npm @prototype',
      'old/credentials.ts:2:24 security/secret-in-history finbrain/stripe-key @prototype',
      // git diffs UTF-16 as binary: the blob is read and decoded instead.
      'old/windows-export.txt:2:7 security/secret-in-history finbrain/stripe-key @prototype',
    ]);
    const removed = findings.filter((f) => f.ruleId === 'security/secret-in-history');
    for (const f of removed) {
      expect(f.message).toContain(`added in commit ${repo.historyCommit.slice(0, 12)}`);
      expect(f.message).toMatch(/no longer in the working tree/);
      expect(f.hint).toMatch(/^Rotate it now/);
    }
    // Every secret still in HEAD is reported once (not again from history), with the commit that added it.
    const tree = findings.filter((f) => !f.commit);
    expect(tree.map(row)).toEqual(TREE);
    for (const f of tree.filter((x) => x.ruleId === 'security/secret')) {
      const expected = f.file === 'src/legacy.ts' ? repo.historyCommit : repo.headCommit;
      expect(f.introducedIn, row(f)).toBe(expected);
    }
    expect(stats.historyCommits).toBe(3);
    // The two UTF-16 files in HEAD and the one in the prototype: read from their blobs.
    expect(stats.historyUtf16).toBe(3);
    // The binary logo is noted once (from the tree), not again for its history.
    expect(findings.filter((f) => f.file === 'assets/logo.png').map((f) => f.ruleId)).toEqual(['security/not-scanned']);
  });

  it('--since <rev> scans only the commits after it', async () => {
    const repo = plantedRepo();
    const { findings, stats } = await scan(repo.dir, ['--history', '--since', repo.historyCommit]);
    expect(stats.historyCommits).toBe(2);
    expect(findings.filter((f) => f.ruleId === 'security/secret-in-history')).toEqual([]);
    expect(findings.find((f) => f.file === 'src/legacy.ts')!.introducedIn).toBeUndefined();
    expect(findings.find((f) => f.file === 'src/two.ts')!.introducedIn).toBe(repo.headCommit);
    // --since alone implies --history.
    const alone = await scan(repo.dir, ['--since', repo.removalCommit]);
    expect(alone.stats.historyCommits).toBe(1);
  });

  it('refuses a --since that is not a commit, and --history outside git, with exit 2', async () => {
    const repo = plantedRepo();
    for (const since of ['no-such-branch', '--output=/tmp/x']) {
      const r = await runCli(['check', 'security', '--history', `--since=${since}`], { cwd: repo.dir });
      expect(r.code, since).toBe(2);
      expect(r.stderr).toContain(`--since ${since}`);
      expect(r.stderr).toMatch(/fix: Pass a commit/);
    }
    const plain = makeTree({ 'finbrain.config.json': '{}', 'a.txt': 'nothing here\n' });
    const r = await runCli(['check', 'security', '--history'], { cwd: plain });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--history needs a git repository/);
  });
});
