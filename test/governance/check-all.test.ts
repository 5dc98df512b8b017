import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../helpers/cli.js';
import { sarifValidator } from '../helpers/sarif.js';
import { fixtureRepo, secrets } from './fixtures.js';


describe('finbrain check all', () => {
  it('runs every enabled check in one process and merges them into one valid SARIF log, one run per check', async () => {
    const dir = fixtureRepo({
      'finbrain.config.json': JSON.stringify({ singleWriter: { protectedTables: ['expenses'] } }),
      'CODEOWNERS': '*  not-an-owner\n',
      'src/db.ts': `import { Pool } from 'pg';\nexport const pool = new Pool();\n`,
      'src/report.ts': `import { pool } from './db';\nexport const purge = () => pool.query('DELETE FROM expenses');\nexport const t = '${secrets.githubToken}';\n`,
    });
    const r = await spawnCli(['check', 'all', '--format', 'sarif', '--output', 'all.sarif'], { cwd: dir });
    expect(r.code).toBe(1);
    const log = JSON.parse(readFileSync(join(dir, 'all.sarif'), 'utf8'));
    const validate = sarifValidator();
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const categories = log.runs.map((run: { automationDetails: { id: string } }) => run.automationDetails.id);
    expect(categories).toEqual(expect.arrayContaining(['finbrain/single-writer/', 'finbrain/security/', 'finbrain/codeowners/']));
    expect(new Set(categories).size).toBe(categories.length);
    const byRun = Object.fromEntries(log.runs.map((run: { automationDetails: { id: string }; results: { ruleId: string }[] }) => [run.automationDetails.id, run.results.map((x) => x.ruleId)]));
    expect(byRun['finbrain/single-writer/']).toEqual(['single-writer/protected-write']);
    expect(byRun['finbrain/security/']).toEqual(['security/secret']);
    expect(byRun['finbrain/codeowners/']).toContain('codeowners/invalid-owner');
    expect(readFileSync(join(dir, 'all.sarif'), 'utf8')).not.toContain(secrets.githubToken);
  });

  it('exits 2 on a config error and on an unknown check', async () => {
    const dir = fixtureRepo({ 'finbrain.config.json': '{"checks":{"securty":{}}}' });
    const r = await runCli(['check', 'all'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/checks: Unrecognized key: "securty"/);
    expect((await runCli(['check', 'nope'], { cwd: dir })).code).toBe(2);
  });
});

describe('this repository governs itself', () => {
  it('has a CI workflow with install, tests against a postgres service, SARIF upload, verify and changelog --check', () => {
    const wf = parse(readFileSync(new URL('../../.github/workflows/ci.yml', import.meta.url), 'utf8'));
    const steps = Object.values(wf.jobs as Record<string, { steps: { run?: string; uses?: string; with?: Record<string, string> }[]; services?: Record<string, { image: string }> }>).flatMap((j) => j.steps);
    const runs = steps.map((s) => s.run ?? '');
    expect(Object.values(wf.jobs).some((j) => (j as { services?: Record<string, { image: string }> }).services?.postgres?.image.startsWith('postgres:'))).toBe(true);
    expect(runs).toContain('npm ci');
    expect(runs).toContain('npm test');
    expect(runs.some((r) => /finbrain check all --format sarif --output finbrain\.sarif/.test(r))).toBe(true);
    expect(steps.some((s) => s.uses?.startsWith('github/codeql-action/upload-sarif') && s.with?.sarif_file === 'finbrain.sarif')).toBe(true);
    expect(runs).toContain('npx finbrain migrate verify');
    expect(runs).toContain('npx finbrain changelog --check');
  });

  it('has a CODEOWNERS covering every protected path, and a change-management guide', async () => {
    const r = await runCli(['check', 'codeowners', '--json'], { cwd: new URL('../..', import.meta.url).pathname });
    const errors = JSON.parse(r.stdout).findings.filter((f: { severity: string }) => f.severity === 'error');
    expect(errors).toEqual([]);
    const guide = readFileSync(new URL('../../CHANGE_MANAGEMENT_GUIDE.md', import.meta.url), 'utf8');
    for (const heading of ['## Proposing a change', '## Review', '## Verification', '## Rolling out a migration', '## Rolling back', '## Emergency changes']) expect(guide).toContain(heading);
    expect(guide).toMatch(/placeholder/);
  });
});
