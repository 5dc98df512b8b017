import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../helpers/cli.js';
import { sarifValidator } from '../helpers/sarif.js';
import { makeTree } from '../helpers/tmp.js';

const fixture = {
  'finbrain.config.json': JSON.stringify({ singleWriter: { protectedTables: ['expenses'], writers: ['src/writer/**'] } }),
  'src/db.ts': `import { Pool } from 'pg';\nexport const pool = new Pool();\n`,
  'src/writer/index.ts': `import { pool } from '../db';\nexport const add = () => pool.query('INSERT INTO expenses VALUES (1)');\n`,
  'src/reports/cleanup.ts': `import { pool } from '../db';\n\nexport async function purge(sql: string) {\n  await pool.query('DELETE FROM expenses WHERE amount < 0');\n  await pool.query(sql);\n}\n`,
};


describe('finbrain check single-writer (CLI)', () => {
  it('text: grouped by file with a code frame and the fix; exit 1 on an error', async () => {
    const dir = makeTree(fixture);
    const r = await spawnCli(['check', 'single-writer'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('src/reports/cleanup.ts');
    expect(r.stdout).toMatch(/4:9 +error +DELETE from protected table expenses outside the canonical writer/);
    expect(r.stdout).toMatch(/> 4 \| {3}await pool\.query\('DELETE FROM expenses WHERE amount < 0'\);/);
    expect(r.stdout).toMatch(/fix: Route this write through the canonical writer/);
    expect(r.stdout).toMatch(/5:9 +warning/);
    expect(r.stdout).not.toContain('src/writer/index.ts');
  });

  it('json: findings with 1-based positions at the write call and a summary', async () => {
    const dir = makeTree(fixture);
    const r = await runCli(['check', 'single-writer', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.findings).toEqual([
      expect.objectContaining({ ruleId: 'single-writer/protected-write', severity: 'error', file: 'src/reports/cleanup.ts', line: 4, column: 9, table: 'expenses', operation: 'delete' }),
      expect.objectContaining({ ruleId: 'single-writer/unverifiable-sql', severity: 'warning', file: 'src/reports/cleanup.ts', line: 5, column: 9 }),
    ]);
    expect(out.summary).toMatchObject({ errors: 1, warnings: 1, total: 2 });
  });

  it('sarif: valid SARIF 2.1.0 (schema-checked) with rules, locations and fingerprints; stable snapshot', async () => {
    const dir = makeTree(fixture);
    const r = await runCli(['check', 'single-writer', '--format', 'sarif', '--output', 'out.sarif'], { cwd: dir });
    expect(r.code).toBe(1);
    const log = JSON.parse(readFileSync(join(dir, 'out.sarif'), 'utf8'));
    const validate = sarifValidator();
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    // The validator is real: a log without its required version fails.
    expect(validate({ ...log, version: undefined })).toBe(false);
    const run = log.runs[0];
    expect(run.automationDetails.id).toBe('finbrain/single-writer/');
    expect(run.results[0].partialFingerprints.primaryLocationLineHash).toMatch(/^[0-9a-f]{16}:1$/);
    run.tool.driver.version = '<version>';
    run.tool.driver.semanticVersion = '<version>';
    expect(log).toMatchSnapshot();
  });

  it('github: ::error annotations', async () => {
    const dir = makeTree(fixture);
    const r = await runCli(['check', 'single-writer', '--format', 'github'], { cwd: dir });
    expect(r.stdout).toContain('::error file=src/reports/cleanup.ts,line=4,col=9,title=single-writer/protected-write::DELETE from protected table expenses');
    expect(r.stdout).toContain('::warning file=src/reports/cleanup.ts,line=5,col=9');
  });

  it('exit 0 when clean; --strict turns unverifiable SQL into an error', async () => {
    const clean = makeTree({ ...fixture, 'src/reports/cleanup.ts': `import { pool } from '../db';\nexport const f = (sql: string) => pool.query(sql);\n` });
    expect((await runCli(['check', 'single-writer'], { cwd: clean })).code).toBe(0);
    expect((await runCli(['check', 'single-writer', '--strict'], { cwd: clean })).code).toBe(1);
  });

  it('exit 2 with path: message on a config error', async () => {
    const dir = makeTree({ ...fixture, 'finbrain.config.json': JSON.stringify({ singleWriter: { protectedTables: [], writers: 'src/writer' } }) });
    const r = await runCli(['check', 'single-writer'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/singleWriter\.protectedTables: /);
    expect(r.stderr).toMatch(/singleWriter\.writers: /);
    const bad = makeTree({ ...fixture, 'finbrain.config.json': '{"singleWriter": ' });
    expect((await runCli(['check', 'single-writer'], { cwd: bad })).code).toBe(2);
  });

  it('with no writer configured, the fix says how to name one (not an empty list)', async () => {
    const dir = makeTree({ ...fixture, 'finbrain.config.json': JSON.stringify({ singleWriter: { protectedTables: ['expenses'] } }) });
    const r = await runCli(['check', 'single-writer'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("fix: No module may write expenses yet: name its canonical writer (`npx finbrain protect expenses --writer 'src/<writer folder>/**'`, or singleWriter.writers in finbrain.config.json) and route this write through it.");
    expect(r.stdout).not.toContain('canonical writer ()');
  });

  it('--root points at another project', async () => {
    const dir = makeTree(fixture);
    const r = await runCli(['check', 'single-writer', '--root', dir, '--json']);
    expect(JSON.parse(r.stdout).summary.errors).toBe(1);
  });
});
