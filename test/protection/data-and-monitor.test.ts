import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openPgliteDb } from '../../src/db/pglite-db.js';
import { runCli } from '../helpers/cli.js';
import { makeTree } from '../helpers/tmp.js';
import { REPO } from './setup.js';

const noDb = { DATABASE_URL: undefined };

async function embedded(dir: string, sql: string) {
  const db = await openPgliteDb(join(dir, '.finbrain/pglite'));
  try {
    await db.exec(sql);
  } finally {
    await db.close();
  }
}

describe('finbrain check data and the normalising migration', () => {
  it('reports rows that break the standards; the data migration fixes the aliases; the rest is left for a human', async () => {
    const dir = makeTree({});
    cpSync(join(REPO, 'migrations'), join(dir, 'migrations'), { recursive: true });
    expect((await runCli(['migrate', 'up', '--to', 'c4d1e8a9b0f2'], { cwd: dir, env: noDb })).code).toBe(0);
    await embedded(
      dir,
      `BEGIN; SELECT set_config('finbrain.writer', 'canonical', true);
       INSERT INTO users (external_id) VALUES ('u1');
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
  });
});

describe('finbrain monitor', () => {
  it('reports the fleet SLA from the rollups and exits 1 on a breach', async () => {
    const dir = makeTree({});
    cpSync(join(REPO, 'migrations'), join(dir, 'migrations'), { recursive: true });
    await runCli(['migrate', 'up'], { cwd: dir, env: noDb });
    await embedded(dir, `INSERT INTO expense_writer_stats VALUES (date_trunc('minute', now()), 'create', 'ok', 1000, 5000, '{900,100,0,0,0,0,0,0,0}'), (date_trunc('minute', now()), 'create', 'validation', 10, 20, '{10,0,0,0,0,0,0,0,0}');`);
    const ok = await runCli(['monitor', '--json'], { cwd: dir, env: noDb });
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ total: 1010, successRate: 1, p50Ms: 5, p95Ms: 10, breaches: [] });
    await embedded(dir, `INSERT INTO expense_writer_stats VALUES (date_trunc('minute', now()), 'create', 'db_error', 5, 5000, '{0,0,0,0,0,0,0,0,5}'), (date_trunc('minute', now()), 'violation:runtime', 'violation', 1, 0, '{1,0,0,0,0,0,0,0,0}');`);
    const bad = await runCli(['monitor'], { cwd: dir, env: noDb });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/SLA BREACHED: success rate 99\.51% is below 99\.90%; 1 single-writer violation/);
  });
});
