import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { WriterMonitor, Outcome } from '../monitor/writer-monitor.js';
import { isDbGuardError } from '../runtime/violation-error.js';
import { withWriter } from '../runtime/writer-context.js';
import {
  DEFAULT_STANDARDS,
  StandardsValidationError,
  validateExpense,
  type FieldIssue,
  type NormalizedExpense,
  type StandardsConfig,
} from '../standards/index.js';
import { ExpenseNotFoundError, IdempotencyConflictError } from './errors.js';
import { transactionRunner, type TxClient, type TxRunner, type WriterDatabase } from './transaction.js';

/** An expense as the writer returns it: ids and amount as exact strings, times as ISO strings. */
export interface Expense {
  id: string;
  userId: string;
  categoryId: string | null;
  amount: string;
  currency: string;
  description: string | null;
  source: string;
  idempotencyKey: string | null;
  occurredAt: string;
  createdAt: string;
  updatedAt: string;
}

export interface WriteOptions {
  /** Who asked for the write (recorded in the audit row). Default: the writer's `actor`. */
  actor?: string;
  /** A repeated request with the same key returns the first result and writes nothing. */
  idempotencyKey?: string;
}

export interface WriteResult<T> {
  value: T;
  /** True when the idempotency key had been seen: nothing was written, `value` is the first result. */
  replayed: boolean;
}

export type ExpensePatch = Partial<Record<'userId' | 'categoryId' | 'amount' | 'currency' | 'description' | 'source' | 'occurredAt', unknown>>;

export interface ExpenseWriterOptions {
  /** A pg Pool (recommended), a pg Client, a PGlite instance or a finbrain Db. May be guarded. */
  db: WriterDatabase;
  standards?: StandardsConfig;
  monitor?: WriterMonitor;
  /** Default audit actor. */
  actor?: string;
}

export interface ExpenseWriter {
  create(input: unknown, options?: WriteOptions): Promise<WriteResult<Expense>>;
  update(id: string | number, patch: ExpensePatch, options?: WriteOptions): Promise<WriteResult<Expense>>;
  delete(id: string | number, options?: WriteOptions): Promise<WriteResult<Expense>>;
  bulkImport(inputs: unknown[], options?: WriteOptions): Promise<WriteResult<Expense[]>>;
  /** The audit trail of one expense, oldest first. */
  history(id: string | number): Promise<AuditEntry[]>;
}

export interface AuditEntry {
  id: string;
  expenseId: string;
  operation: 'create' | 'update' | 'delete';
  actor: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  idempotencyKey: string | null;
  at: string;
}

const COLS = `id::text AS id, user_id::text AS "userId", category_id::text AS "categoryId", trim_scale(amount)::text AS amount,
  currency::text AS currency, description, source, idempotency_key AS "idempotencyKey",
  occurred_at AS "occurredAt", created_at AS "createdAt", updated_at AS "updatedAt"`;

const AUDIT = `INSERT INTO expense_audit (expense_id, operation, actor, before, after, idempotency_key)`;

const INSERT_ONE = `WITH ins AS (
  INSERT INTO expenses (user_id, category_id, amount, currency, description, source, idempotency_key, occurred_at)
  VALUES ($1::bigint, $2::bigint, $3::numeric, $4, $5, $6, $7, coalesce($8::timestamptz, now()))
  RETURNING *),
aud AS (${AUDIT} SELECT id, 'create', $9, NULL, to_jsonb(ins), $10 FROM ins)
SELECT ${COLS} FROM ins`;

const UPDATE_ONE = `WITH b AS (SELECT to_jsonb(e) AS row FROM expenses e WHERE e.id = $1::bigint),
upd AS (
  UPDATE expenses SET user_id = $2::bigint, category_id = $3::bigint, amount = $4::numeric, currency = $5, description = $6,
    source = $7, occurred_at = coalesce($8::timestamptz, occurred_at), updated_at = now()
  WHERE id = $1::bigint RETURNING *),
aud AS (${AUDIT} SELECT upd.id, 'update', $9, (SELECT row FROM b), to_jsonb(upd), $10 FROM upd)
SELECT ${COLS} FROM upd`;

const DELETE_ONE = `WITH del AS (DELETE FROM expenses WHERE id = $1::bigint RETURNING *),
aud AS (${AUDIT} SELECT del.id, 'delete', $2, to_jsonb(del), NULL, $3 FROM del)
SELECT ${COLS} FROM del`;

function iso(v: unknown): string {
  return v instanceof Date ? v.toISOString() : String(v);
}

function toExpense(row: Record<string, any>): Expense {
  return {
    id: String(row.id),
    userId: String(row.userId),
    categoryId: row.categoryId == null ? null : String(row.categoryId),
    amount: String(row.amount),
    currency: String(row.currency),
    description: row.description ?? null,
    source: String(row.source),
    idempotencyKey: row.idempotencyKey ?? null,
    occurredAt: iso(row.occurredAt),
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

function params(e: NormalizedExpense): unknown[] {
  return [e.userId, e.categoryId, e.amount, e.currency, e.description, e.source];
}

function requestHash(operation: string, payload: unknown): string {
  return createHash('sha256').update(JSON.stringify([operation, payload])).digest('hex');
}

const FK_FIELD: Record<string, string> = { expenses_user_id_fkey: 'userId', expenses_category_id_fkey: 'categoryId' };

function outcomeOf(e: unknown): Outcome {
  if (e instanceof StandardsValidationError) return 'validation_error';
  if (e instanceof IdempotencyConflictError || e instanceof ExpenseNotFoundError) return 'conflict';
  const code = (e as { code?: string }).code;
  if (code === '23505' || code === '40001' || code === '40P01') return 'conflict';
  return 'db_error';
}

/** A foreign key naming no row is bad input: say which field. */
function translate(e: unknown): unknown {
  const err = e as { code?: string; constraint?: string; message?: string };
  if (err?.code === '23503') {
    const field = (err.constraint && FK_FIELD[err.constraint]) ?? (/category/.test(err.message ?? '') ? 'categoryId' : 'userId');
    return new StandardsValidationError([{ field, message: `refers to no existing ${field === 'userId' ? 'user' : 'category'}` }]);
  }
  return e;
}

/**
 * The canonical expense writer: the one module allowed to write `expenses`
 * (singleWriter.writers). Each operation validates against the data
 * standards, runs in one transaction marked for the database guard, appends
 * an audit row in that transaction, honours idempotency keys, and records
 * metrics.
 */
export function createExpenseWriter(options: ExpenseWriterOptions): ExpenseWriter {
  const standards = options.standards ?? DEFAULT_STANDARDS;
  const runTx: TxRunner = transactionRunner(options.db);
  const monitor = options.monitor;
  const defaultActor = options.actor ?? 'system';

  async function instrumented<T>(operation: string, body: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const result = await withWriter(body);
      monitor?.recordOperation(operation, 'ok', performance.now() - started);
      return result;
    } catch (e) {
      const error = translate(e);
      if (isDbGuardError(e)) monitor?.recordViolation('database', 'expenses', operation);
      monitor?.recordOperation(operation, outcomeOf(error), performance.now() - started);
      throw error;
    }
  }

  /** Claims the key in this transaction, or returns the stored first result. */
  async function claim(tx: TxClient, key: string | undefined, operation: string, hash: string): Promise<{ replay: unknown } | undefined> {
    if (!key) return undefined;
    const r = await tx.query(
      'INSERT INTO writer_idempotency (key, operation, request_hash) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING RETURNING key',
      [key, operation, hash],
    );
    if (r.rowCount > 0) return undefined;
    const prev = await tx.query<{ operation: string; request_hash: string; result: unknown }>(
      'SELECT operation, request_hash, result FROM writer_idempotency WHERE key = $1',
      [key],
    );
    const row = prev.rows[0]!;
    if (row.request_hash !== hash) throw new IdempotencyConflictError(key, row.operation);
    return { replay: typeof row.result === 'string' ? JSON.parse(row.result) : row.result };
  }

  async function idempotent<T>(operation: string, key: string | undefined, payload: unknown, write: (tx: TxClient) => Promise<T>): Promise<WriteResult<T>> {
    const hash = requestHash(operation, payload);
    return runTx(async (tx) => {
      const prior = await claim(tx, key, operation, hash);
      if (prior) return { value: prior.replay as T, replayed: true };
      const value = await write(tx);
      if (key) await tx.query('UPDATE writer_idempotency SET result = $2::jsonb WHERE key = $1', [key, JSON.stringify(value)]);
      return { value, replayed: false };
    });
  }

  async function insertOne(tx: TxClient, e: NormalizedExpense, rowKey: string | null, actor: string, key: string | null): Promise<Expense> {
    const r = await tx.query(INSERT_ONE, [...params(e), rowKey, e.occurredAt, actor, key]);
    return toExpense(r.rows[0]!);
  }

  function idText(id: string | number): string {
    const text = String(id).trim();
    if (!/^[1-9]\d{0,18}$/.test(text)) throw new StandardsValidationError([{ field: 'id', message: `must be a positive integer id, got ${JSON.stringify(String(id))}` }]);
    return text;
  }

  return {
    create(input, opts = {}) {
      return instrumented('create', async () => {
        const e = validateExpense(input, standards);
        const key = opts.idempotencyKey ?? null;
        return idempotent('create', opts.idempotencyKey, e, (tx) => insertOne(tx, e, key, opts.actor ?? defaultActor, key));
      });
    },

    update(id, patch, opts = {}) {
      return instrumented('update', async () => {
        const expenseId = idText(id);
        return idempotent('update', opts.idempotencyKey, [expenseId, patch], async (tx) => {
          const before = await tx.query(`SELECT ${COLS} FROM expenses WHERE id = $1::bigint FOR UPDATE`, [expenseId]);
          if (!before.rows[0]) throw new ExpenseNotFoundError(expenseId);
          const current = toExpense(before.rows[0]);
          const merged = validateExpense({ ...current, occurredAt: undefined, ...patch }, standards);
          const r = await tx.query(UPDATE_ONE, [expenseId, ...params(merged), merged.occurredAt, opts.actor ?? defaultActor, opts.idempotencyKey ?? null]);
          return toExpense(r.rows[0]!);
        });
      });
    },

    delete(id, opts = {}) {
      return instrumented('delete', async () => {
        const expenseId = idText(id);
        return idempotent('delete', opts.idempotencyKey, expenseId, async (tx) => {
          const r = await tx.query(DELETE_ONE, [expenseId, opts.actor ?? defaultActor, opts.idempotencyKey ?? null]);
          if (!r.rows[0]) throw new ExpenseNotFoundError(expenseId);
          return toExpense(r.rows[0]);
        });
      });
    },

    bulkImport(inputs, opts = {}) {
      return instrumented('bulk_import', async () => {
        if (!Array.isArray(inputs)) throw new StandardsValidationError([{ field: 'rows', message: 'must be an array of expenses' }]);
        const issues: FieldIssue[] = [];
        const rows: NormalizedExpense[] = [];
        inputs.forEach((input, i) => {
          const withSource = input && typeof input === 'object' && !('source' in input) ? { ...input, source: 'import' } : input;
          try {
            rows.push(validateExpense(withSource, standards, `rows[${i}].`));
          } catch (e) {
            if (e instanceof StandardsValidationError) issues.push(...e.issues);
            else throw e;
          }
        });
        // All or nothing: one bad row rejects the batch before anything is written.
        if (issues.length) throw new StandardsValidationError(issues);
        const key = opts.idempotencyKey ?? null;
        const actor = opts.actor ?? defaultActor;
        return idempotent('bulk_import', opts.idempotencyKey, rows, async (tx) => {
          const out: Expense[] = [];
          for (const [i, e] of rows.entries()) out.push(await insertOne(tx, e, key ? `${key}#${i}` : null, actor, key));
          return out;
        });
      });
    },

    async history(id) {
      const expenseId = idText(id);
      return runTx(async (tx) => {
        const r = await tx.query(
          `SELECT id::text AS id, expense_id::text AS "expenseId", operation, actor, before, after, idempotency_key AS "idempotencyKey", at
           FROM expense_audit WHERE expense_id = $1::bigint ORDER BY id`,
          [expenseId],
        );
        return r.rows.map((row) => ({ ...row, at: iso(row.at) }) as AuditEntry);
      });
    },
  };
}
