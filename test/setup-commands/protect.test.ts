import { cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openPgDb } from '../../src/db/pg-db.js';
import { openPgliteDb } from '../../src/db/pglite-db.js';
import type { Db } from '../../src/db/types.js';
import { protectionDefaults, renderProtectionSql } from '../../src/protection/index.js';
import { parseRevisionFile } from '../../src/revisions/revision-file.js';
import { createScratchDatabase, describeEachBackend } from '../helpers/backends.js';
import { runCli } from '../helpers/cli.js';
import { sqlRevision } from '../helpers/revisions.js';
import { fileTempDir, git, makeTree, tempDir, writeTree } from '../helpers/tmp.js';
import { treeSnapshot } from './tree-snapshot.js';

const noDb = { DATABASE_URL: undefined, CI: undefined };

/** A service after `finbrain init --owner` and a revision that creates payments, committed. */
async function buildService(extra: Record<string, string>): Promise<string> {
  const dir = fileTempDir();
  writeTree(dir, {
    'package.json': JSON.stringify({ name: 'svc', version: '1.0.0', type: 'module' }),
    'src/db.ts': "import pg from 'pg';\nexport const pool = new pg.Pool();\n",
    'src/payments/writer.ts': "import { pool } from '../db';\nexport const pay = (amount: string) => pool.query('INSERT INTO payments (amount) VALUES ($1)', [amount]);\n",
    ...extra,
  });
  git(dir, ['init', '-q', '-b', 'main']);
  expect((await runCli(['init', '--owner', '@acme/payments'], { cwd: dir, env: noDb })).code).toBe(0);
  const created = await runCli(['migrate', 'new', 'create payments', '--json'], { cwd: dir, env: noDb });
  const file = join(dir, JSON.parse(created.stdout).file);
  writeFileSync(
    file,
    readFileSync(file, 'utf8')
      .replace('-- migrate:up\n', '-- migrate:up\nCREATE TABLE payments (id bigserial PRIMARY KEY, amount numeric(12,2) NOT NULL);\n')
      .replace('-- migrate:down\n', '-- migrate:down\nDROP TABLE payments;\n'),
  );
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '-m', 'init']);
  return dir;
}

// Each variant of the service is built once per file (two CLI runs and a commit) and
// each test gets its own copy, git repository included.
const built = new Map<string, Promise<string>>();

async function service(extra: Record<string, string> = {}): Promise<string> {
  const key = JSON.stringify(extra);
  if (!built.has(key)) built.set(key, buildService(extra));
  const template = await built.get(key)!;
  const dir = tempDir();
  cpSync(template, dir, { recursive: true });
  return dir;
}

function revisionFiles(dir: string): string[] {
  return readdirSync(join(dir, 'migrations')).filter((f) => f.endsWith('.sql'));
}

describe('finbrain protect', () => {
  it('names the table and its writer in the config and writes a revision revising the head with the protection SQL', async () => {
    const dir = await service();
    const [createFile] = revisionFiles(dir);
    const head = createFile!.slice(0, 12);
    const r = await runCli(['protect', 'payments', '--writer', 'src/payments/**', '--json'], { cwd: dir, env: noDb });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ table: 'public.payments', parents: [head], config: 'finbrain.config.json', writers: [{ glob: 'src/payments/**', files: ['src/payments/writer.ts'] }], warnings: [] });
    expect(out.file).toMatch(/^migrations\/[0-9a-f]{12}_protect_payments\.sql$/);

    // The revision holds exactly what the protection generator gives for this table, and parses as a revision.
    const rev = parseRevisionFile(join(dir, out.file), readFileSync(join(dir, out.file), 'utf8'), dir);
    const expected = renderProtectionSql(protectionDefaults('payments'));
    expect(rev.parents).toEqual([head]);
    expect(rev.summary).toBe('protect payments');
    expect(rev.description).toContain("Written by `finbrain protect payments --writer 'src/payments/**'`");
    expect(rev.upSql!.trim()).toBe(expected.up.trim());
    expect(rev.downSql!.trim()).toBe(expected.down.trim());

    // The config keeps what the user wrote and gains the table and the writer.
    const config = JSON.parse(readFileSync(join(dir, 'finbrain.config.json'), 'utf8'));
    expect(config.singleWriter.protectedTables).toEqual(['payments', 'payments_audit', 'payments_requests']);
    expect(config.singleWriter.writers).toEqual(['src/payments/**']);
    expect(config.singleWriter.include).toEqual(['src/**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}']);

    // The writer module gets the owners of the config that names it.
    expect(readFileSync(join(dir, '.github/CODEOWNERS'), 'utf8').trimEnd().split('\n').pop()).toBe('/src/payments/ @acme/payments');
    expect(out.codeowners).toEqual({ file: '.github/CODEOWNERS', added: ['/src/payments/ @acme/payments'] });
  });

  it('leaves the project passing check all, and a write outside the writer fails it', async () => {
    const dir = await service();
    expect((await runCli(['protect', 'payments', '--writer', 'src/payments/**'], { cwd: dir, env: noDb })).code).toBe(0);
    git(dir, ['add', '-A']);
    git(dir, ['commit', '-q', '-m', 'protect payments']);
    const clean = await runCli(['check', 'all', '--json'], { cwd: dir, env: noDb });
    expect(JSON.parse(clean.stdout).findings).toEqual([]);
    expect(clean.code).toBe(0);

    // The attacker's route: a script that writes payments directly, in JavaScript.
    writeFileSync(join(dir, 'src/cleanup.mjs'), "import { pool } from './db.js';\nexport const purge = () => pool.query('DELETE FROM payments');\n");
    git(dir, ['add', '-A']);
    git(dir, ['commit', '-q', '-m', 'cleanup']);
    const caught = await runCli(['check', 'all', '--json'], { cwd: dir, env: noDb });
    expect(caught.code).toBe(1);
    expect(JSON.parse(caught.stdout).findings).toEqual([expect.objectContaining({ ruleId: 'single-writer/protected-write', file: 'src/cleanup.mjs', table: 'payments', operation: 'delete' })]);
  });

  it('protects a schema-qualified table in its schema, and a second table revises the first protection', async () => {
    const dir = await service({ 'src/ledger/writer.js': 'export {};\n' });
    expect((await runCli(['protect', 'payments', '--writer', 'src/payments/**'], { cwd: dir, env: noDb })).code).toBe(0);
    const first = revisionFiles(dir).find((f) => f.includes('protect_payments'))!.slice(0, 12);
    const r = await runCli(['protect', 'billing.ledger_entries', '--writer', 'src/ledger/*.js', '--json'], { cwd: dir, env: noDb });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.parents).toEqual([first]);
    expect(out.table).toBe('billing.ledger_entries');
    expect(out.warnings).toEqual([expect.stringContaining('no revision creates billing.ledger_entries')]);
    expect(readFileSync(join(dir, out.file), 'utf8')).toContain(renderProtectionSql(protectionDefaults('ledger_entries', { schema: 'billing' })).up.trim());
    const config = JSON.parse(readFileSync(join(dir, 'finbrain.config.json'), 'utf8'));
    expect(config.singleWriter.protectedTables).toEqual(['payments', 'payments_audit', 'payments_requests', 'billing.ledger_entries', 'billing.ledger_entries_audit', 'billing.ledger_entries_requests']);
    expect(config.singleWriter.writers).toEqual(['src/payments/**', 'src/ledger/*.js']);
    expect(readFileSync(join(dir, '.github/CODEOWNERS'), 'utf8')).toContain('/src/ledger/*.js @acme/payments');
  });

  it('adds the writer to an explicit checks.codeowners.protectedPaths list', async () => {
    const dir = await service();
    const configFile = join(dir, 'finbrain.config.json');
    const config = JSON.parse(readFileSync(configFile, 'utf8'));
    config.checks = { codeowners: { protectedPaths: ['migrations/'] } };
    writeFileSync(configFile, JSON.stringify(config));
    expect((await runCli(['protect', 'payments', '--writer', 'src/payments/**'], { cwd: dir, env: noDb })).code).toBe(0);
    expect(JSON.parse(readFileSync(configFile, 'utf8')).checks.codeowners.protectedPaths).toEqual(['migrations/', 'src/payments/']);
    expect(readFileSync(join(dir, '.github/CODEOWNERS'), 'utf8')).toContain('/src/payments/ @acme/payments');
  });
});

describeEachBackend('finbrain protect: migrate up installs the protection, migrate down removes it', (backend) => {
  it('applies like any revision and reverts cleanly', async () => {
    const dir = await service();
    expect((await runCli(['protect', 'payments', '--writer', 'src/payments/**'], { cwd: dir, env: noDb })).code).toBe(0);
    const scratch = backend.name === 'postgres' ? await createScratchDatabase() : undefined;
    const env = { ...noDb, DATABASE_URL: scratch?.url };
    const open = (): Promise<Db> => (scratch ? openPgDb(scratch.url) : openPgliteDb(join(dir, '.finbrain', 'pglite')));
    const relations = async () => {
      const db = await open();
      try {
        const tables = await db.query<{ relname: string }>("SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace AND relname LIKE 'payments%' ORDER BY relname");
        const triggers = await db.query<{ tgname: string }>("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgrelid = 'public.payments'::regclass ORDER BY tgname");
        return { tables: tables.rows.map((t) => t.relname), triggers: triggers.rows.map((t) => t.tgname) };
      } finally {
        await db.close();
      }
    };
    try {
      const up = await runCli(['migrate', 'up', '--json'], { cwd: dir, env });
      expect(up.code, up.stderr).toBe(0);
      expect(JSON.parse(up.stdout).steps.map((s: { summary: string }) => s.summary)).toEqual(['create payments', 'protect payments']);
      const p = protectionDefaults('payments');
      const installed = await relations();
      expect(installed.tables).toEqual(['payments', p.auditTable, p.idempotencyTable].sort());
      expect(installed.triggers.length).toBeGreaterThan(0);

      const down = await runCli(['migrate', 'down', '--json'], { cwd: dir, env });
      expect(down.code, down.stderr).toBe(0);
      expect(JSON.parse(down.stdout).steps.map((s: { summary: string }) => s.summary)).toEqual(['protect payments']);
      expect(await relations()).toEqual({ tables: ['payments'], triggers: [] });
    } finally {
      await scratch?.drop();
    }
  });
});

describe('finbrain protect refuses bad input: exit 2, the problem and the fix named, nothing written', () => {
  it.each([
    ['Payments', /"Payments" is not a lower-case SQL identifier/],
    ['pay-ments', /"pay-ments" is not a lower-case SQL identifier/],
    ['1payments', /"1payments" is not a lower-case SQL identifier/],
    ['payments; DROP TABLE users', /is not a lower-case SQL identifier/],
    ['"payments"', /is not a lower-case SQL identifier/],
    ['a.b.c', /more than one dot/],
    ['billing.', /an empty name part/],
    ['p'.repeat(41), /41 characters long/],
  ])('a table name that is not a valid identifier: %s', async (table, message) => {
    const dir = await service();
    const before = treeSnapshot(dir);
    const r = await runCli(['protect', table, '--writer', 'src/payments/**'], { cwd: dir, env: noDb });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain('nothing was written');
    expect(r.stderr).toMatch(/fix: Give the table as Postgres stores an unquoted name/);
    expect(treeSnapshot(dir)).toEqual(before);
  });

  it.each([
    [['--writer', 'src/payment/**'], /--writer "src\/payment\/\*\*" matches no file under .*; nothing was written/, /fix: Create the writer module first \(a module in src\/payment\/\)/],
    [['--writer', 'src/payments/**', '--writer', 'src/wallet/*.ts'], /--writer "src\/wallet\/\*\.ts" matches no file/, /fix: Create the writer module first/],
    [['--writer', '../other/src/**'], /must be a glob relative to the project root/, /fix: e\.g\. --writer 'src\/payments\/\*\*'/],
    [[], /--writer is required/, /fix: e\.g\. finbrain protect payments --writer/],
  ])('a writer glob that names no file of the project: %j', async (args, message, fix) => {
    const dir = await service();
    const before = treeSnapshot(dir);
    const r = await runCli(['protect', 'payments', ...args], { cwd: dir, env: noDb });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(fix);
    expect(treeSnapshot(dir)).toEqual(before);
  });

  it('a table that is already protected', async () => {
    const dir = await service();
    expect((await runCli(['protect', 'payments', '--writer', 'src/payments/**'], { cwd: dir, env: noDb })).code).toBe(0);
    const before = treeSnapshot(dir);
    const r = await runCli(['protect', 'public.payments', '--writer', 'src/payments/**'], { cwd: dir, env: noDb });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('public.payments is already protected (singleWriter.protectedTables has "payments" in finbrain.config.json)');
    expect(treeSnapshot(dir)).toEqual(before);
  });

  it('a project without finbrain.config.json', async () => {
    const dir = makeTree({ 'package.json': '{"name":"svc"}', 'src/payments/writer.ts': 'export {};\n' });
    const before = treeSnapshot(dir);
    const r = await runCli(['protect', 'payments', '--writer', 'src/payments/**'], { cwd: dir, env: noDb });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no finbrain\.config\.json in .* or above/);
    expect(r.stderr).toMatch(/fix: Run `npx finbrain init`/);
    expect(treeSnapshot(dir)).toEqual(before);
  });

  it('a revision chain with two heads (the new revision would not know its parent)', async () => {
    const dir = await service();
    const head = revisionFiles(dir)[0]!.slice(0, 12);
    writeFileSync(join(dir, 'migrations/b2b2b2b2b2b2_other.sql'), sqlRevision({ id: 'b2b2b2b2b2b2', revises: head, up: 'SELECT 1;' }));
    writeFileSync(join(dir, 'migrations/c3c3c3c3c3c3_other.sql'), sqlRevision({ id: 'c3c3c3c3c3c3', revises: head, up: 'SELECT 1;' }));
    const before = treeSnapshot(dir);
    const r = await runCli(['protect', 'payments', '--writer', 'src/payments/**'], { cwd: dir, env: noDb });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/there are 2 heads/);
    expect(r.stderr).toMatch(/fix: .*finbrain migrate merge/);
    expect(treeSnapshot(dir)).toEqual(before);
  });
});
