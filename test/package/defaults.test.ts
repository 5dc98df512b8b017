import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/schema.js';
import { runCli } from '../helpers/cli.js';
import { makeTree } from '../helpers/tmp.js';
import { fixtureRepo } from '../governance/fixtures.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const noDb = { DATABASE_URL: undefined };

describe('defaults a user would expect', () => {
  it('carry no name of the FinBrain app (its tables, writer path or revisions)', () => {
    const defaults = JSON.stringify(ConfigSchema.parse({}));
    expect(defaults).not.toMatch(/expense|src\/writer|single_writer_guard|src\/runtime|checks\//);
    for (const t of readdirSync(join(REPO, 'templates'))) {
      expect(readFileSync(join(REPO, 'templates', t), 'utf8'), t).not.toMatch(/expense|FinBrain|single_writer_guard/);
    }
  });

  it('check JavaScript as well as TypeScript: a write from .js, .mjs, .cjs and .jsx is found with no include configured', async () => {
    const write = (how: string) => `${how}\nexport const purge = () => pool.query('DELETE FROM payments');\n`;
    const dir = fixtureRepo({
      'finbrain.config.json': JSON.stringify({ singleWriter: { protectedTables: ['payments'], writers: ['src/payments/**'] }, checks: { security: { enabled: false }, codeowners: { enabled: false } } }),
      'src/db.js': "import pg from 'pg';\nexport const pool = new pg.Pool();\n",
      'src/payments/writer.js': write("import { pool } from '../db.js';"),
      'src/jobs/a.js': write("import { pool } from '../db.js';"),
      'src/jobs/b.mjs': write("import { pool } from '../db.js';"),
      'src/jobs/c.cjs': "const { pool } = require('../db.js');\nexports.purge = () => pool.query('DELETE FROM payments');\n",
      'src/jobs/d.jsx': write("import { pool } from '../db.js';"),
      'src/jobs/e.ts': write("import { pool } from '../db.js';"),
    });
    const r = await runCli(['check', 'single-writer', '--json'], { cwd: dir, env: noDb });
    expect(r.code).toBe(1);
    const files = JSON.parse(r.stdout).findings.map((f: { file: string; ruleId: string }) => `${f.ruleId} ${f.file}`);
    expect(files).toEqual(['a.js', 'b.mjs', 'c.cjs', 'd.jsx', 'e.ts'].map((f) => `single-writer/protected-write src/jobs/${f}`));
  });

  it('say that nothing is protected yet, and how to fix it, instead of "no findings"', async () => {
    const dir = makeTree({ 'src/jobs/a.js': "export const purge = (pool) => pool.query('DELETE FROM payments');\n" });
    const r = await runCli(['check', 'single-writer'], { cwd: dir, env: noDb });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('nothing is protected yet: singleWriter.protectedTables is empty, so no write was checked');
    expect(r.stdout).toContain("npx finbrain protect <table> --writer '<glob of the writer module>'");
    expect(r.stdout).not.toContain('no findings');
  });

  it('say so when no source file matched singleWriter.include', async () => {
    const dir = makeTree({
      'finbrain.config.json': JSON.stringify({ singleWriter: { protectedTables: ['payments'] } }),
      'lib/jobs/a.js': "export const purge = (pool) => pool.query('DELETE FROM payments');\n",
    });
    const r = await runCli(['check', 'single-writer', '--json'], { cwd: dir, env: noDb });
    expect(JSON.parse(r.stdout).findings).toEqual([
      expect.objectContaining({ ruleId: 'single-writer/no-source-files', severity: 'warning', message: expect.stringContaining('no source file matched singleWriter.include (src/**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs})') }),
    ]);
  });

  it('refuse an explicit empty protectedTables with the fix, since only the default may be empty', async () => {
    const dir = makeTree({ 'finbrain.config.json': JSON.stringify({ singleWriter: { protectedTables: [] } }) });
    const r = await runCli(['check', 'single-writer'], { cwd: dir, env: noDb });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('singleWriter.protectedTables: list at least one table, or leave the key out until you protect one');
  });
});

describe('the changelog heading belongs to the user', () => {
  const revision = ['-- create payments', '--', '-- Revision ID: a1', '-- Revises:', '-- Create Date: 2025-01-01 00:00:00.000000', '-- Author: dev', '', '-- migrate:up', 'CREATE TABLE payments (id int);', '-- migrate:down', 'DROP TABLE payments;', ''].join('\n');

  it('is neutral by default', async () => {
    const dir = makeTree({ 'migrations/a1_create_payments.sql': revision });
    expect((await runCli(['changelog'], { cwd: dir, env: noDb })).code).toBe(0);
    const doc = readFileSync(join(dir, 'CHANGELOG.md'), 'utf8');
    expect(doc).toMatch(/^# Changelog\n\nAll notable database schema changes of this project are documented in this file\./);
    expect(doc).not.toMatch(/FinBrain|architecture transformations/);
  });

  it('comes from changelog.title, or from the project\'s own preamble file', async () => {
    const dir = makeTree({ 'migrations/a1_create_payments.sql': revision, 'finbrain.config.json': JSON.stringify({ changelog: { title: 'Payments service changelog' } }) });
    expect((await runCli(['changelog'], { cwd: dir, env: noDb })).code).toBe(0);
    expect(readFileSync(join(dir, 'CHANGELOG.md'), 'utf8')).toMatch(/^# Payments service changelog\n/);

    const own = makeTree({
      'migrations/a1_create_payments.sql': revision,
      'docs/changelog-intro.md': '# Acme Payments\n\nSchema history, reviewed by the payments team.\n',
      'finbrain.config.json': JSON.stringify({ changelog: { preambleFile: 'docs/changelog-intro.md' } }),
    });
    expect((await runCli(['changelog'], { cwd: own, env: noDb })).code).toBe(0);
    const doc = readFileSync(join(own, 'CHANGELOG.md'), 'utf8');
    expect(doc).toMatch(/^# Acme Payments\n\nSchema history, reviewed by the payments team\.\n\n## Database Migration History\n/);
    expect(doc).toContain('### Revision: a1');
    // The preamble only opens a new file; an existing one keeps its own text.
    writeFileSync(join(own, 'docs/changelog-intro.md'), '# Renamed\n');
    expect((await runCli(['changelog', '--check'], { cwd: own, env: noDb })).code).toBe(0);
  });

  it('names a preamble file that cannot be read, exit 2', async () => {
    const dir = makeTree({ 'migrations/a1_create_payments.sql': revision, 'finbrain.config.json': JSON.stringify({ changelog: { preambleFile: 'docs/missing.md' } }) });
    const r = await runCli(['changelog'], { cwd: dir, env: noDb });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('changelog.preambleFile: cannot read docs/missing.md');
  });

  it('this repository keeps its own heading', () => {
    const config = JSON.parse(readFileSync(join(REPO, 'finbrain.config.json'), 'utf8'));
    expect(config.changelog.title).toBe('FinBrain Migration & Architecture Changelog');
    expect(readFileSync(join(REPO, 'CHANGELOG.md'), 'utf8').split('\n')[0]).toBe(`# ${config.changelog.title}`);
  });
});
