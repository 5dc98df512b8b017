import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openPgliteDb } from '../../src/db/pglite-db.js';
import { runCli } from '../helpers/cli.js';
import { makeTree } from '../helpers/tmp.js';
import { REPO } from './setup.js';

/**
 * The CLI on FinBrain's own revisions (default role names: these tests use
 * the embedded database, whose roles live and die with it).
 */
const noDb = { DATABASE_URL: undefined };

async function embedded(dir: string, sql: string) {
  const db = await openPgliteDb(join(dir, '.finbrain/pglite'));
  try {
    await db.exec(sql);
  } finally {
    await db.close();
  }
}

function finbrainTree(config: object = { standards: { tables: [{ table: 'expenses' }] } }): string {
  const dir = makeTree({ 'finbrain.config.json': JSON.stringify(config) });
  cpSync(join(REPO, 'migrations'), join(dir, 'migrations'), { recursive: true });
  return dir;
}

describe('finbrain check data and the normalising migration', () => {
  it('reports rows that break the standards; the data migration fixes the aliases; the rest is left for a human', async () => {
    const dir = finbrainTree();
    expect((await runCli(['migrate', 'up', '--to', 'c4d1e8a9b0f2'], { cwd: dir, env: noDb })).code).toBe(0);
    await embedded(
      dir,
      `INSERT INTO users (external_id) VALUES ('u1');
       BEGIN; SET LOCAL ROLE finbrain_writer;
       INSERT INTO expenses (user_id, amount, currency, source) VALUES
         (1, 10, 'tk', ' Chat'), (1, 12.5, '$', 'FORM'), (1, 3, 'usd', 'api'), (1, 1.234, 'BDT', 'chat'), (1, 4, 'ZZZ', 'fax');
       COMMIT;`,
    );
    const before = await runCli(['check', 'data', '--json'], { cwd: dir, env: noDb });
    expect(before.code).toBe(1);
    const counts = Object.fromEntries(JSON.parse(before.stdout).findings.map((f: { ruleId: string; count: number }) => [f.ruleId, f.count]));
    expect(counts).toEqual({ 'data/currency': 4, 'data/amount': 1, 'data/source': 3 });

    expect((await runCli(['migrate', 'up'], { cwd: dir, env: noDb })).code).toBe(0);
    const after = await runCli(['check', 'data', '--json'], { cwd: dir, env: noDb });
    expect(after.code).toBe(1);
    const findings = JSON.parse(after.stdout).findings;
    expect(findings.map((f: { ruleId: string; count: number }) => [f.ruleId, f.count])).toEqual([
      ['data/amount', 1],
      ['data/currency', 1],
      ['data/source', 1],
    ]);
    expect(findings.find((f: { ruleId: string }) => f.ruleId === 'data/currency').message).toContain('currency "ZZZ"');
    expect(findings.find((f: { ruleId: string }) => f.ruleId === 'data/amount').message).toContain('id 4: amount "1.2340" has 3 decimal places; expected at most 2 for this currency');
  });

  it('scans any table named in standards.tables, with its own column names; with none it says what to configure (exit 2)', async () => {
    const dir = finbrainTree({ standards: { tables: [{ table: 'payments', idColumn: 'payment_id', amountColumn: 'total', currencyColumn: 'ccy', sourceColumn: null }] } });
    expect((await runCli(['migrate', 'up', '--to', '30b14b696ef7'], { cwd: dir, env: noDb })).code).toBe(0);
    await embedded(dir, "CREATE TABLE payments (payment_id serial PRIMARY KEY, total numeric, ccy text); INSERT INTO payments (total, ccy) VALUES (5, 'USD'), (-1, 'usd');");
    const r = await runCli(['check', 'data', '--json'], { cwd: dir, env: noDb });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings.map((f: { ruleId: string; message: string }) => `${f.ruleId}: ${f.message}`)).toEqual([
      'data/amount: 1 row(s) of public.payments break the standard, e.g. payment_id 2: amount "-1" is negative; expected an amount greater than zero',
      'data/currency: 1 row(s) of public.payments break the standard, e.g. payment_id 2: currency "usd"',
    ]);
    writeFileSync(join(dir, 'finbrain.config.json'), '{}');
    const none = await runCli(['check', 'data'], { cwd: dir, env: noDb });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('standards.tables: `check data` has no table to scan');
  });
});

describe('finbrain monitor', () => {
  it('reports the fleet SLA from the rollups and exits 1 on a breach', async () => {
    const dir = finbrainTree();
    await runCli(['migrate', 'up'], { cwd: dir, env: noDb });
    await embedded(dir, `INSERT INTO finbrain_writer_stats VALUES (date_trunc('minute', now()), 'expenses.create', 'ok', 1000, 5000, '{900,100,0,0,0,0,0,0,0}'), (date_trunc('minute', now()), 'expenses.create', 'validation', 10, 20, '{10,0,0,0,0,0,0,0,0}');`);
    const ok = await runCli(['monitor', '--json'], { cwd: dir, env: noDb });
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ total: 1010, successRate: 1, p50Ms: 5, p95Ms: 10, breaches: [] });
    await embedded(dir, `INSERT INTO finbrain_writer_stats VALUES (date_trunc('minute', now()), 'expenses.create', 'db_error', 5, 5000, '{0,0,0,0,0,0,0,0,5}'), (date_trunc('minute', now()), 'violation:runtime', 'violation', 1, 0, '{1,0,0,0,0,0,0,0,0}');`);
    const bad = await runCli(['monitor'], { cwd: dir, env: noDb });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/SLA BREACHED: success rate 99\.51% is below 99\.90%; 1 single-writer violation/);
  });

  it('reads the rollups table the config names, and names it when it is missing', async () => {
    const dir = finbrainTree({ protection: { statsTable: 'payments_rollups' } });
    await runCli(['migrate', 'up', '--to', '30b14b696ef7'], { cwd: dir, env: noDb });
    const r = await runCli(['monitor'], { cwd: dir, env: noDb });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no rollups table "public"."payments_rollups"');
  });
});
