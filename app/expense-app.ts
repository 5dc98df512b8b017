/**
 * A runnable example of FinBrain's three protection layers on the embedded
 * database: `npx tsx app/expense-app.ts`.
 */
import { PGlite } from '@electric-sql/pglite';
import { ExpenseWriter } from './writer/expense-writer.js';
import {
  SingleWriterGuard,
  SingleWriterViolationError,
  WriterMonitor,
  migrateUp,
  pgliteTransactor,
  statsTableSink,
  withWriter,
  wrapPglite,
} from 'finbrain';

const pglite = await PGlite.create(); // in memory
await migrateUp({ cwd: new URL('..', import.meta.url).pathname, db: wrapPglite(pglite) });
await pglite.query("INSERT INTO users (external_id) VALUES ('demo-user')");
const unguardedQuery = pglite.query.bind(pglite);

// Layer 2: the runtime guard wraps the database handle the whole app uses.
const monitor = new WriterMonitor({ sink: statsTableSink((t, p) => unguardedQuery(t, p)) });
const guard = await SingleWriterGuard.create({ protectedTables: ['expenses'], onViolation: (v) => void monitor.violation(v.layer) });
guard.guardPglite(pglite);

// The canonical writer: validation, idempotency, audit, the database marker.
const writer = new ExpenseWriter({ transactor: pgliteTransactor(pglite), monitor });
const { result } = await writer.create({ userId: 1, amount: '1250.50', currency: 'Tk.', source: ' Chat ' }, { actor: 'demo', idempotencyKey: 'demo-request-1' });
console.log(`created expense ${result.id}: ${result.amount} ${result.currency} via ${result.source}`);
const again = await writer.create({ userId: 1, amount: '1250.50', currency: 'BDT' }, { actor: 'demo', idempotencyKey: 'demo-request-1' });
console.log(`same idempotency key again: replayed=${again.replayed}, id ${again.result.id}`);

// A direct write from anywhere else is stopped before it reaches the database…
try {
  await pglite.query("INSERT INTO expenses (user_id, amount, currency) VALUES (1, 5, 'BDT')");
} catch (e) {
  if (e instanceof SingleWriterViolationError) console.log(`runtime guard: ${e.message}`);
}
// …and one that slips past the runtime guard meets the database trigger (layer 3).
try {
  await withWriter(() => unguardedQuery("DELETE FROM expenses"));
} catch (e) {
  console.log(`database guard: ${(e as Error).message}`);
}
console.log((await monitor.registry.metrics()).split('\n').filter((l) => l.startsWith('finbrain_single_writer_violations_total')).join('\n'));
await pglite.close();
