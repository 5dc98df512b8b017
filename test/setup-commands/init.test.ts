import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { git, makeTree, tempDir, writeTree } from '../helpers/tmp.js';
import { treeSnapshot } from './tree-snapshot.js';

const noDb = { DATABASE_URL: undefined, CI: undefined };

interface WorkflowStep {
  run?: string;
  uses?: string;
  with?: Record<string, string | number>;
  if?: string;
  'continue-on-error'?: boolean;
}

function workflow(dir: string) {
  const wf = parse(readFileSync(join(dir, '.github/workflows/finbrain.yml'), 'utf8')) as {
    on: { push: { branches: string[] } };
    jobs: Record<string, { permissions: Record<string, string>; steps: WorkflowStep[] }>;
  };
  const job = Object.values(wf.jobs)[0]!;
  return { wf, job, runs: job.steps.map((s) => s.run ?? '') };
}

describe('finbrain init', () => {
  it('writes the config (TypeScript and JavaScript sources of the folders it finds), an empty migrations folder and the workflow', async () => {
    const dir = makeTree({
      'package.json': JSON.stringify({ name: 'svc', version: '1.0.0', engines: { node: '>=22' } }),
      'package-lock.json': '{}',
      'tsconfig.json': '{}',
      'src/server.ts': 'export {};\n',
      'lib/legacy/report.js': 'module.exports = {};\n',
      'test/server.test.ts': 'export {};\n',
      'docs/guide.md': '# guide\n',
      'assets/logo.svg': '<svg/>\n',
    });
    const r = await runCli(['init'], { cwd: dir, env: noDb });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const f of ['finbrain.config.json', 'migrations/README.md', '.github/workflows/finbrain.yml', '.finbrain/.gitignore']) expect(r.stdout).toContain(f);
    expect(r.stdout).toMatch(/next:\n {2}1\. npx finbrain migrate new/);
    expect(r.stdout).toContain("npx finbrain protect payments --writer 'src/payments/**'");

    const config = JSON.parse(readFileSync(join(dir, 'finbrain.config.json'), 'utf8'));
    expect(config.migrationsDir).toBe('migrations');
    expect(config.singleWriter.include).toEqual(['lib/**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}', 'src/**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}']);
    expect(config.singleWriter.protectedTables).toBeUndefined();

    // The embedded database stays out of git without an edit to the user's .gitignore.
    expect(readFileSync(join(dir, '.finbrain/.gitignore'), 'utf8')).toMatch(/^\*$/m);

    // migrations/ holds no revision: the chain is empty and migrate agrees.
    const status = await runCli(['migrate', 'history', '--json'], { cwd: dir, env: noDb });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toEqual({ revisions: [] });

    const { wf, job, runs } = workflow(dir);
    expect(wf.on.push.branches).toEqual(['main']);
    expect(job.permissions['security-events']).toBe('write');
    const checkout = job.steps.find((s) => s.uses?.startsWith('actions/checkout'))!;
    expect(checkout.with?.['fetch-depth']).toBe(0);
    expect(job.steps.find((s) => s.uses?.startsWith('actions/setup-node'))!.with).toEqual({ 'node-version': 22, cache: 'npm' });
    expect(runs).toContain('npm ci');
    const sarifStep = job.steps.find((s) => s.run === 'npx finbrain check all --format sarif --output finbrain.sarif')!;
    expect(sarifStep['continue-on-error']).toBe(true);
    const upload = job.steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'))!;
    expect(upload.with?.sarif_file).toBe('finbrain.sarif');
    expect(upload.if).toBe('always()');
    expect(runs).toContain('npx finbrain check all --format github');
    expect(runs).toContain('npx finbrain changelog --check');
    expect(runs).toContain('npx finbrain migrate verify');
  });

  it('detects a JavaScript service, its root files and its package manager', async () => {
    const dir = makeTree({
      'package.json': JSON.stringify({ name: 'svc', version: '1.0.0' }),
      'pnpm-lock.yaml': 'lockfileVersion: 9\n',
      'index.js': "require('./server');\n",
      'server/app.mjs': 'export {};\n',
      'server/routes/pay.cjs': 'module.exports = {};\n',
    });
    const r = await runCli(['init', '--json'], { cwd: dir, env: noDb });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ language: 'javascript', sourceFolders: ['server'], include: ['server/**/*.{js,jsx,mjs,cjs}', '*.{js,jsx,mjs,cjs}'] });
    expect(out.written.map((w: { path: string }) => w.path)).toEqual(['finbrain.config.json', 'migrations/README.md', '.github/workflows/finbrain.yml', '.finbrain/.gitignore']);
    expect(workflow(dir).runs).toContain('corepack enable && pnpm install --frozen-lockfile');
  });

  it('with --owner writes .github/CODEOWNERS, and the new project passes check all (nothing protected yet is a warning)', async () => {
    const dir = makeTree({ 'package.json': JSON.stringify({ name: 'svc', version: '1.0.0' }), 'src/app.ts': 'export {};\n' });
    git(dir, ['init', '-q', '-b', 'main']);
    const r = await runCli(['init', '--owner', '@acme/payments', 'lead@acme.example'], { cwd: dir, env: noDb });
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, '.github/CODEOWNERS'), 'utf8')).toContain(
      ['/migrations/ @acme/payments lead@acme.example', '/finbrain.config.json @acme/payments lead@acme.example', '/.github/workflows/finbrain.yml @acme/payments lead@acme.example', '/.github/CODEOWNERS @acme/payments lead@acme.example'].join('\n'),
    );
    git(dir, ['add', '-A']);
    git(dir, ['commit', '-q', '-m', 'finbrain init']);
    const checks = await runCli(['check', 'all', '--json'], { cwd: dir, env: noDb });
    expect(checks.code).toBe(0);
    expect(JSON.parse(checks.stdout).findings.map((f: { ruleId: string; severity: string }) => `${f.severity} ${f.ruleId}`)).toEqual(['warning single-writer/nothing-protected']);
    const text = await runCli(['check', 'single-writer'], { cwd: dir, env: noDb });
    expect(text.stdout).toContain('nothing is protected yet');
    expect(text.stdout).toContain('npx finbrain protect');
  });

  it('leaves an existing CODEOWNERS alone and says which lines to add', async () => {
    const dir = makeTree({ 'package.json': '{"name":"svc"}', 'CODEOWNERS': '* @acme/all\n', 'src/a.js': '\n' });
    const r = await runCli(['init', '--owner', '@acme/payments'], { cwd: dir, env: noDb });
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'CODEOWNERS'), 'utf8')).toBe('* @acme/all\n');
    expect(r.stdout).toContain('kept CODEOWNERS as it is');
    expect(r.stdout).toMatch(/Add owners for migrations\/, finbrain\.config\.json, \.github\/workflows\/finbrain\.yml, CODEOWNERS to CODEOWNERS/);
  });
});

describe('finbrain init refuses, exits 2 and writes nothing', () => {
  it('in a folder that is not a package', async () => {
    const dir = makeTree({ 'src/app.ts': 'export {};\n' });
    const before = treeSnapshot(dir);
    const r = await runCli(['init'], { cwd: dir, env: noDb });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${dir} is not a package: there is no package.json`);
    expect(r.stderr).toMatch(/fix: .*npm init -y/);
    expect(treeSnapshot(dir)).toEqual(before);
  });

  it.each([
    ['finbrain.config.json', '{"migrationsDir":"db"}\n'],
    ['.github/workflows/finbrain.yml', 'name: mine\n'],
    ['migrations/README.md', '# ours\n'],
  ])('when %s exists (every target is checked before the first write)', async (existing, content) => {
    const dir = makeTree({ 'package.json': '{"name":"svc"}', 'src/a.ts': '\n', [existing]: content });
    const before = treeSnapshot(dir);
    const r = await runCli(['init', '--owner', '@acme/payments'], { cwd: dir, env: noDb });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`finbrain init would overwrite ${existing}; nothing was written`);
    expect(treeSnapshot(dir)).toEqual(before);
  });

  it('names every file it would overwrite, and --json carries the error', async () => {
    const dir = makeTree({ 'package.json': '{"name":"svc"}', 'finbrain.config.json': '{}', '.github/workflows/finbrain.yml': 'x\n' });
    const r = await runCli(['init', '--json'], { cwd: dir, env: noDb });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: 'usage', files: ['finbrain.config.json', '.github/workflows/finbrain.yml'], exitCode: 2 });
    expect(existsSync(join(dir, 'migrations'))).toBe(false);
  });

  it.each([['acme-team'], ['@acme/'], ['@@x']])('on an owner GitHub would not accept (%s)', async (owner) => {
    const dir = makeTree({ 'package.json': '{"name":"svc"}' });
    const before = treeSnapshot(dir);
    const r = await runCli(['init', '--owner', owner], { cwd: dir, env: noDb });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--owner "${owner}" is not an owner GitHub accepts`);
    expect(treeSnapshot(dir)).toEqual(before);
  });

  it('when the migrations folder already belongs to another tool (its files are not revisions)', async () => {
    const dir = makeTree({ 'package.json': '{"name":"svc"}', 'migrations/20200101_create_users.ts': "exports.up = (knex) => knex.schema.createTable('users', () => {});\n" });
    const before = treeSnapshot(dir);
    const r = await runCli(['init'], { cwd: dir, env: noDb });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('migrations/ already holds files that are not finbrain revisions (migrations/20200101_create_users.ts); nothing was written');
    expect(r.stderr).toMatch(/fix: .*--migrations-dir/);
    expect(treeSnapshot(dir)).toEqual(before);
    // Its own folder is fine.
    const own = await runCli(['init', '--migrations-dir', 'db/finbrain'], { cwd: dir, env: noDb });
    expect(own.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'finbrain.config.json'), 'utf8')).migrationsDir).toBe('db/finbrain');
    // The next steps name that folder, not the default.
    expect(own.stdout).toContain('CHANGELOG.md from db/finbrain/');
    expect(own.stdout).not.toContain('CHANGELOG.md from migrations/');
  });

  it('on a migrations folder outside the project', async () => {
    const parent = tempDir();
    writeTree(parent, { 'svc/package.json': '{"name":"svc"}' });
    const before = treeSnapshot(parent);
    const r = await runCli(['init', '--migrations-dir', '../elsewhere'], { cwd: join(parent, 'svc'), env: noDb });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--migrations-dir must be a folder inside the project, got "../elsewhere"');
    expect(treeSnapshot(parent)).toEqual(before);
  });
});
