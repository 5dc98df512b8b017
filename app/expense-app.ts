/**
 * A runnable example of FinBrain's protection layers on the embedded
 * database: `npx tsx app/expense-app.ts`. (On a real server the writer gets
 * its own pool whose login is in finbrain_writer, and the application's pool
 * logs in with a member of finbrain_app: see README, "Runtime protection".)
 */
import { PGlite } from '@electric-sql/pglite';
import { ExpenseWriter } from './writer/expense-writer.js';
import { EXPENSES_PROTECTION } from './protection/expenses-protection.js';
import { SingleWriterGuard, SingleWriterViolationError, WriterMonitor, migrateUp, pgliteTransactor, protectedTablesOf, statsTableSink, wrapPglite } from 'finbrain';

const pglite = await PGlite.create(); // in memory
await migrateUp({ cwd: new URL('..', import.meta.url).pathname, db: wrapPglite(pglite) });
await pglite.query("INSERT INTO users (external_id) VALUES ('demo-user')");

// The database: the application's session runs as the application role, which may read expenses but not write them.
await pglite.exec('SET ROLE finbrain_app');
try {
  await pglite.query('DELETE FROM expenses');
} catch (e) {
  console.log(`database: ${(e as Error).message}`);
}

// The runtime guard wraps the database handle the whole app uses: writes are stopped before they reach the database.
const monitor = new WriterMonitor({ sink: statsTableSink((t, p) => pglite.query(t, p)) });
const guard = await SingleWriterGuard.create({ protectedTables: protectedTablesOf(EXPENSES_PROTECTION), onViolation: (v) => void monitor.violation(v.layer) });
guard.guardPglite(pglite);

// The canonical writer: its own channel into the database (claimed once), validation, idempotency, audit.
const writer = new ExpenseWriter({ transactor: pgliteTransactor(pglite), monitor });
const { result } = await writer.create({ userId: 1, amount: '1250.50', currency: 'Tk.', source: ' Chat ' }, { actor: 'demo', idempotencyKey: 'demo-request-1' });
console.log(`created expense ${result.id}: ${result.amount} ${result.currency} via ${result.source}`);
const again = await writer.create({ userId: 1, amount: '1250.50', currency: 'Tk.', source: ' Chat ' }, { actor: 'demo', idempotencyKey: 'demo-request-1' });
console.log(`same idempotency key again: replayed=${again.replayed}, id ${again.result.id}`);
const conflict = await writer.create({ userId: 1, amount: '99', currency: 'BDT' }, { actor: 'demo', idempotencyKey: 'demo-request-1' }).catch((e: Error) => e);
console.log(`same key, different request: ${(conflict as Error).message}`);

// A direct write from anywhere else is stopped before it reaches the database…
try {
  await pglite.query("DO $$ BEGIN DELETE FROM expenses; END $$");
} catch (e) {
  if (e instanceof SingleWriterViolationError) console.log(`runtime guard: ${e.message}`);
}
console.log(`expenses: ${(await pglite.query<{ n: number }>('SELECT count(*)::int AS n FROM expenses')).rows[0]!.n}`);
console.log((await monitor.registry.metrics()).split('\n').filter((l) => l.startsWith('finbrain_single_writer_violations_total')).join('\n'));
await pglite.close();
