import { ZodError } from 'zod';
// The app uses finbrain the way any service does: by its package name, never by a path into src/.
import { DEFAULT_STANDARDS, expenseInputSchema, withWriter, type Expense, type ExpenseInput, type Outcome, type StandardsOptions, type Transactor, type Tx, type WriterMonitor } from 'finbrain';

/**
 * The canonical expense writer: the only module allowed to write `expenses`
 * (finbrain.config.json singleWriter.writers). Every write is validated by the
 * data standards, runs in the writer's async context and in a transaction that
 * carries the database guard's marker, is idempotent by key, and appends an
 * audit row in the same transaction.
 */
export interface ExpenseRow {
  id: string;
  user_id: string;
  category_id: string | null;
  amount: string;
  currency: string;
  description: string | null;
  source: string;
  idempotency_key: string | null;
  occurred_at: string;
  created_at: string;
  updated_at: string;
}

export interface WriteResult<T> {
  result: T;
  /** True when an earlier request with the same idempotency key answered this one; nothing was written. */
  replayed: boolean;
}

export interface WriterOptions {
  transactor: Transactor;
  standards?: StandardsOptions;
  monitor?: WriterMonitor;
}

export interface CallOptions {
  actor: string;
  idempotencyKey?: string;
}

const COLUMNS = 'id::text, user_id::text, category_id::text, amount::text, currency, description, source, idempotency_key, occurred_at, created_at, updated_at';

export class ExpenseValidationError extends Error {
  constructor(
    readonly issues: { path: string; message: string }[],
    options?: { cause?: unknown },
  ) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join('; '), options);
    this.name = 'ExpenseValidationError';
  }
}

function classify(e: unknown): Outcome {
  if (e instanceof ExpenseValidationError) return 'validation';
  const code = (e as { code?: string })?.code;
  if (code === '23505' || code === '40001' || code === '40P01') return 'conflict';
  return 'db_error';
}

export class ExpenseWriter {
  private readonly schema;

  constructor(private readonly o: WriterOptions) {
    this.schema = expenseInputSchema(o.standards ?? DEFAULT_STANDARDS);
  }

  private validate(input: ExpenseInput, prefix = ''): Expense {
    try {
      return this.schema.parse(input);
    } catch (e) {
      if (e instanceof ZodError) {
        throw new ExpenseValidationError(
          e.issues.map((i) => ({ path: `${prefix}${i.path.map(String).join('.') || '(input)'}`, message: i.message })),
          { cause: e },
        );
      }
      throw e;
    }
  }

  /** Runs one operation: writer context, transaction, guard marker, idempotency, metrics. */
  private async run<T>(operation: string, opts: CallOptions, body: (tx: Tx) => Promise<T>): Promise<WriteResult<T>> {
    const started = performance.now();
    try {
      const out = await withWriter(() => this.attempt(operation, opts, body), opts.actor);
      await this.o.monitor?.record(operation, 'ok', performance.now() - started);
      return out;
    } catch (e) {
      await this.o.monitor?.record(operation, classify(e), performance.now() - started);
      throw e;
    }
  }

  private async attempt<T>(operation: string, opts: CallOptions, body: (tx: Tx) => Promise<T>, retried = false): Promise<WriteResult<T>> {
    try {
      return await this.o.transactor(async (tx) => {
        // Transaction-local: safe under pgbouncer transaction pooling, gone at COMMIT.
        await tx.query("SELECT set_config('finbrain.writer', 'canonical', true)");
        if (opts.idempotencyKey) {
          const prior = await tx.query<{ result: T }>('SELECT result FROM expense_requests WHERE idempotency_key = $1', [opts.idempotencyKey]);
          if (prior.rowCount) return { result: prior.rows[0]!.result, replayed: true };
        }
        const result = await body(tx);
        if (opts.idempotencyKey) {
          await tx.query('INSERT INTO expense_requests (idempotency_key, operation, result) VALUES ($1, $2, $3)', [opts.idempotencyKey, operation, JSON.stringify(result)]);
        }
        return { result, replayed: false };
      });
    } catch (e) {
      // A concurrent request with the same key won the race: answer with its result.
      if (!retried && opts.idempotencyKey && (e as { code?: string })?.code === '23505') return this.attempt(operation, opts, body, true);
      throw e;
    }
  }

  private async audit(tx: Tx, expenseId: string, action: string, actor: string, before: unknown, after: unknown): Promise<void> {
    await tx.query('INSERT INTO expense_audit (expense_id, action, actor, before, after) VALUES ($1, $2, $3, $4, $5)', [
      expenseId,
      action,
      actor,
      before === null ? null : JSON.stringify(before),
      after === null ? null : JSON.stringify(after),
    ]);
  }

  private async insert(tx: Tx, e: Expense, key: string | undefined): Promise<ExpenseRow> {
    const r = await tx.query<ExpenseRow>(
      `INSERT INTO expenses (user_id, category_id, amount, currency, description, source, idempotency_key, occurred_at)
       VALUES ($1, $2, $3::numeric, $4, $5, $6, $7, coalesce($8::timestamptz, now())) RETURNING ${COLUMNS}`,
      [e.userId, e.categoryId ?? null, e.amount, e.currency, e.description ?? null, e.source, key ?? null, e.occurredAt ?? null],
    );
    return r.rows[0]!;
  }

  async create(input: ExpenseInput, opts: CallOptions): Promise<WriteResult<ExpenseRow>> {
    const started = performance.now();
    let e: Expense;
    try {
      e = this.validate(input);
    } catch (err) {
      await this.o.monitor?.record('create', 'validation', performance.now() - started);
      throw err;
    }
    const key = opts.idempotencyKey ?? e.idempotencyKey;
    return this.run('create', { ...opts, idempotencyKey: key }, async (tx) => {
      const row = await this.insert(tx, e, key);
      await this.audit(tx, row.id, 'create', opts.actor, null, row);
      return row;
    });
  }

  async update(id: string | number, patch: Partial<ExpenseInput>, opts: CallOptions): Promise<WriteResult<ExpenseRow>> {
    return this.run('update', opts, async (tx) => {
      const before = (await tx.query<ExpenseRow>(`SELECT ${COLUMNS} FROM expenses WHERE id = $1 FOR UPDATE`, [String(id)])).rows[0];
      if (!before) throw Object.assign(new Error(`expense ${id} does not exist`), { code: 'P0002' });
      const merged = this.validate({
        userId: before.user_id,
        amount: patch.amount ?? before.amount.replace(/\.?0+$/, ''),
        currency: patch.currency ?? before.currency,
        source: patch.source ?? before.source,
        description: patch.description ?? before.description ?? undefined,
        categoryId: patch.categoryId ?? before.category_id ?? undefined,
        occurredAt: patch.occurredAt ?? before.occurred_at,
      });
      const after = (
        await tx.query<ExpenseRow>(
          `UPDATE expenses SET amount = $2::numeric, currency = $3, source = $4, description = $5, category_id = $6, occurred_at = $7, updated_at = now()
           WHERE id = $1 RETURNING ${COLUMNS}`,
          [String(id), merged.amount, merged.currency, merged.source, merged.description ?? null, merged.categoryId ?? null, merged.occurredAt ?? before.occurred_at],
        )
      ).rows[0]!;
      await this.audit(tx, after.id, 'update', opts.actor, before, after);
      return after;
    });
  }

  async delete(id: string | number, opts: CallOptions): Promise<WriteResult<ExpenseRow | null>> {
    return this.run('delete', opts, async (tx) => {
      const before = (await tx.query<ExpenseRow>(`DELETE FROM expenses WHERE id = $1 RETURNING ${COLUMNS}`, [String(id)])).rows[0];
      if (!before) return null;
      await this.audit(tx, before.id, 'delete', opts.actor, before, null);
      return before;
    });
  }

  /** All or nothing: every row is validated first (errors name the row), then inserted in one transaction. */
  async bulkImport(inputs: ExpenseInput[], opts: CallOptions): Promise<WriteResult<ExpenseRow[]>> {
    const rows = inputs.map((input, i) => this.validate({ source: 'import', ...input }, `[${i}].`));
    return this.run('import', opts, async (tx) => {
      const out: ExpenseRow[] = [];
      for (const e of rows) {
        const row = await this.insert(tx, e, e.idempotencyKey);
        await this.audit(tx, row.id, 'import', opts.actor, null, row);
        out.push(row);
      }
      return out;
    });
  }
}
