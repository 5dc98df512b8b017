import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openPgDb } from '../../src/db/pg-db.js';
import { protectionDefaults, renderProtectionSql, verifyProtection } from '../../src/protection/index.js';
import { SingleWriterGuard } from '../../src/runtime/guard.js';
import { SingleWriterViolationError } from '../../src/runtime/violation.js';
import { CanonicalWriter, protectedTablesOf } from '../../src/writer/canonical-writer.js';
import { IdempotencyConflictError, WriterValidationError } from '../../src/writer/errors.js';
import { pgPoolTransactor, pgliteTransactor, type Transactor } from '../../src/writer/transactor.js';
import { wrapPglite } from '../../src/db/pglite-db.js';
import { freshPglite } from '../helpers/fresh-pglite.js';
import { TEST_DATABASE_URL, createScratchDatabase } from '../helpers/backends.js';

/**
 * The building blocks are not FinBrain's: two tables of another service
 * (payments, ledger_entries) protected by the same generator, written by
 * CanonicalWriter instances, guarded by the same guard. No expense in sight.
 */
const tag = `fbg_${process.pid}_${randomBytes(3).toString('hex')}`;
const payments = protectionDefaults('payments', { schema: 'billing', appRole: `${tag}_app`, writerRole: `${tag}_writer`, statsTable: 'billing_rollups' });
const ledger = protectionDefaults('ledger_entries', { schema: 'billing', appRole: `${tag}_app`, writerRole: `${tag}_writer`, statsTable: 'billing_rollups', auditTable: 'ledger_history' });

const SCHEMA = `CREATE SCHEMA billing;
CREATE TABLE billing.accounts (id bigserial PRIMARY KEY, name text NOT NULL);
CREATE TABLE billing.payments (id bigserial PRIMARY KEY, account_id bigint NOT NULL REFERENCES billing.accounts (id), amount numeric(19, 2) NOT NULL CHECK (amount > 0), currency char(3) NOT NULL);
CREATE TABLE billing.ledger_entries (entry_id uuid PRIMARY KEY DEFAULT gen_random_uuid(), payment_id bigint NOT NULL, side text NOT NULL CHECK (side IN ('debit', 'credit')), amount numeric(19, 2) NOT NULL);
INSERT INTO billing.accounts (name) VALUES ('acme');`;

afterAll(async () => {
  if (!TEST_DATABASE_URL) return;
  const admin = await openPgDb(TEST_DATABASE_URL);
  try {
    for (const r of [`${tag}_app`, `${tag}_writer`]) await admin.exec(`DROP ROLE IF EXISTS "${r}"`);
  } finally {
    await admin.close();
  }
});

async function exercise(transactor: Transactor, appQuery: (sql: string) => Promise<unknown>, ownerQuery: (sql: string) => Promise<{ rows: any[] }>) {
  const pay = new CanonicalWriter({ transactor, protection: payments, fieldName: (c) => (c === 'account_id' ? 'accountId' : c) });
  const entries = new CanonicalWriter({ transactor, protection: ledger, primaryKey: 'entry_id' });
  const { result } = await pay.create({ account_id: 1, amount: '12.50', currency: 'USD' }, { actor: 'api', idempotencyKey: 'pay-0001' });
  expect(result).toMatchObject({ account_id: '1', amount: '12.50', currency: 'USD' });
  await expect(pay.create({ account_id: 1, amount: '13.00', currency: 'USD' }, { actor: 'api', idempotencyKey: 'pay-0001' })).rejects.toBeInstanceOf(IdempotencyConflictError);
  const bad = await pay.create({ account_id: 9, amount: '1', currency: 'USD' }, { actor: 'api' }).catch((e) => e);
  expect(bad).toBeInstanceOf(WriterValidationError);
  expect(bad.message).toBe('accountId: "9" does not exist in billing.accounts; expected the id of an existing billing.accounts row');
  const zero = await pay.create({ account_id: 1, amount: '0', currency: 'USD' }, { actor: 'api' }).catch((e) => e);
  expect(zero.message).toBe('amount: "0" breaks CHECK ((amount > (0)::numeric)); expected a value that satisfies it');
  // A custom operation: two ledger lines in one transaction, each audited.
  const lines = await entries.run('post', { actor: 'ledger', request: { payment: result.id } }, async (w) => [
    await w.insert({ payment_id: result.id, side: 'debit', amount: '12.50' }),
    await w.insert({ payment_id: result.id, side: 'credit', amount: '12.50' }),
  ]);
  expect(lines.result.map((l) => l.side)).toEqual(['debit', 'credit']);
  expect((await ownerQuery("SELECT action, actor FROM billing.ledger_history ORDER BY id")).rows).toEqual([
    { action: 'post', actor: 'ledger' },
    { action: 'post', actor: 'ledger' },
  ]);
  expect((await ownerQuery('SELECT count(*)::int AS n FROM billing.payments_audit')).rows[0].n).toBe(1);
  for (const sql of ['DELETE FROM billing.payments', "UPDATE billing.ledger_entries SET amount = 0", 'TRUNCATE billing.ledger_history', 'DELETE FROM billing.payments_requests']) {
    await expect(appQuery(sql), sql).rejects.toBeInstanceOf(SingleWriterViolationError);
  }
}

describe('generic building blocks: payments and ledger_entries of another service [pglite]', () => {
  it('protects, writes, audits and guards both tables', async () => {
    const db = await freshPglite();
    try {
      await db.exec(SCHEMA);
      await db.exec(renderProtectionSql(payments).up);
      await db.exec(renderProtectionSql(ledger).up);
      for (const p of [payments, ledger]) expect(await verifyProtection(wrapPglite(db), p)).toEqual([]);
      // The event trigger fires for every role's DDL: one without USAGE on schema billing still runs its own.
      await db.exec(`CREATE ROLE outsider NOLOGIN; SET ROLE outsider; CREATE TEMP TABLE scratch (x int); RESET ROLE`);
      await db.exec(`SET ROLE "${payments.appRole}"`);
      const guard = await SingleWriterGuard.create({ protectedTables: [...protectedTablesOf(payments), ...protectedTablesOf(ledger)] });
      const transactor = pgliteTransactor(db);
      guard.guardPglite(db);
      // PGlite's one session is the superuser's: the owner's reads go through the writer's channel with the role switched back.
      const ownerQuery = (sql: string) => transactor(async (tx) => ({ rows: (await tx.script(`SET LOCAL ROLE postgres; ${sql}`)).rows }));
      await exercise(transactor, (sql) => db.query(sql), ownerQuery);
    } finally {
      await db.close();
    }
  });
});

describe.skipIf(!TEST_DATABASE_URL)('generic building blocks: payments and ledger_entries of another service [postgres]', () => {
  it('protects, writes, audits and guards both tables', async () => {
    const scratch = await createScratchDatabase();
    const owner = await openPgDb(scratch.url);
    const login = (who: string) => {
      const u = new URL(scratch.url);
      u.username = `${tag}_${who}_login`;
      return u.toString();
    };
    let appPool: pg.Pool | undefined;
    let writerPool: pg.Pool | undefined;
    try {
      await owner.exec(SCHEMA);
      await owner.exec(renderProtectionSql(payments).up);
      await owner.exec(renderProtectionSql(ledger).up);
      await owner.exec(`CREATE ROLE "${tag}_app_login" LOGIN IN ROLE "${payments.appRole}"; CREATE ROLE "${tag}_writer_login" LOGIN IN ROLE "${payments.writerRole}"`);
      const guard = await SingleWriterGuard.create({ protectedTables: [...protectedTablesOf(payments), ...protectedTablesOf(ledger)] });
      appPool = guard.guardPool(new pg.Pool({ connectionString: login('app'), max: 2 }));
      writerPool = new pg.Pool({ connectionString: login('writer'), max: 2 });
      for (const p of [appPool, writerPool]) p.on('error', () => {});
      await exercise(pgPoolTransactor(writerPool), (sql) => appPool!.query(sql), (sql) => owner.query(sql));
    } finally {
      await Promise.all([appPool?.end(), writerPool?.end()]);
      await owner.close();
      await scratch.drop();
      const admin = await openPgDb(TEST_DATABASE_URL!);
      for (const r of [`${tag}_app_login`, `${tag}_writer_login`]) await admin.exec(`DROP ROLE IF EXISTS "${r}"`);
      await admin.close();
    }
  });
});
