import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openPgDb } from '../../src/db/pg-db.js';
import { migrateUp } from '../../src/migrate/engine.js';
import { createScratchDatabase, describePostgres } from '../helpers/backends.js';
import { REPO } from '../protection/setup.js';

describe('the README runtime example', () => {
  it('runs as documented (npx tsx app/expense-app.ts) and shows all three layers', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'app/expense-app.ts'], { cwd: REPO, encoding: 'utf8' });
    expect(out).toContain('created expense 1: 1250.5000 BDT via chat');
    expect(out).toContain('replayed=true');
    expect(out).toMatch(/runtime guard: single-writer violation: INSERT on protected table expenses/);
    expect(out).toMatch(/database guard: finbrain single-writer guard: DELETE on expenses/);
  });
});

describePostgres('the writer-only role script', () => {
  it('leaves the app role able to read but not write expenses, and the writer role able to write', async () => {
    const scratch = await createScratchDatabase();
    try {
      const db = await openPgDb(scratch.url);
      await migrateUp({ cwd: REPO, db });
      await db.close();
      const c = new pg.Client({ connectionString: scratch.url });
      await c.connect();
      // Roles are cluster-wide: everything happens in a transaction that is rolled back.
      await c.query('BEGIN');
      await c.query(readFileSync(new URL('../../app/writer-roles.sql', import.meta.url), 'utf8'));
      await c.query("INSERT INTO users (external_id) VALUES ('u')");
      await c.query('SET LOCAL ROLE finbrain_app');
      await c.query('SELECT count(*) FROM expenses');
      await c.query('SAVEPOINT s');
      const denied = await c.query("INSERT INTO expenses (user_id, amount) VALUES (1, 1)").catch((e) => e);
      expect(denied.code).toBe('42501');
      expect(denied.message).toMatch(/permission denied for table expenses/);
      await c.query('ROLLBACK TO SAVEPOINT s');
      await c.query('RESET ROLE');
      await c.query('SET LOCAL ROLE finbrain_writer');
      await c.query("SELECT set_config('finbrain.writer', 'canonical', true)");
      const ok = await c.query('INSERT INTO expenses (user_id, amount) VALUES (1, 1) RETURNING id');
      expect(ok.rowCount).toBe(1);
      await c.query('ROLLBACK');
      await c.end();
    } finally {
      await scratch.drop();
    }
  });
});
