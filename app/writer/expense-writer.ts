import { ZodError } from 'zod';
// The app uses finbrain the way any service does: by its package name, never by a path into src/.
import {
  CanonicalWriter,
  DEFAULT_STANDARDS,
  WriterValidationError,
  type CallOptions,
  type ProtectionOptions,
  type Row,
  type StandardsOptions,
  type Transactor,
  type WriteResult,
  type WriterMonitor,
} from 'finbrain';
import { EXPENSES_PROTECTION } from '../protection/expenses-protection.js';
import { expenseInputSchema, type Expense, type ExpenseInput } from '../standards/expense.js';

/**
 * FinBrain's canonical expense writer: the only module allowed to write
 * `expenses` (finbrain.config.json singleWriter.writers). It is an instance of
 * the tool's generic CanonicalWriter (transaction on the writer's own
 * connection, idempotency, audit trail, catalog check, metrics) with
 * FinBrain's expense standards in front.
 */
export interface ExpenseRow extends Row {
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

export type { CallOptions, WriteResult };

export interface WriterOptions {
  /** The writer's own connection (pgPoolTransactor of the writer login's pool, or pgliteTransactor). */
  transactor: Transactor;
  standards?: StandardsOptions;
  monitor?: WriterMonitor;
  /** Overrides of the protection names (FinBrain uses the defaults). */
  protection?: Partial<ProtectionOptions>;
  /** See CanonicalWriterOptions.verifyEveryTransaction (default true). */
  verifyEveryTransaction?: boolean;
}

/** Validation errors of the expense writer (the tool's WriterValidationError: each issue names the field and what is expected). */
export const ExpenseValidationError = WriterValidationError;
export type ExpenseValidationError = WriterValidationError;

const COLUMN_FIELDS: Record<string, string> = { user_id: 'userId', category_id: 'categoryId', occurred_at: 'occurredAt', idempotency_key: 'idempotencyKey' };

function columns(e: Expense, key: string | undefined): Record<string, unknown> {
  return {
    user_id: e.userId,
    category_id: e.categoryId ?? null,
    amount: e.amount,
    currency: e.currency,
    description: e.description ?? null,
    source: e.source,
    idempotency_key: key ?? null,
    occurred_at: e.occurredAt,
  };
}

/** numeric(19,4) text without its padding zeros: "12.5000" → "12.5", "100.0000" → "100". */
const plainDecimal = (n: string) => (n.includes('.') ? n.replace(/0+$/, '').replace(/\.$/, '') : n);

export class ExpenseWriter {
  readonly writer: CanonicalWriter;
  private readonly schema;

  constructor(o: WriterOptions) {
    this.schema = expenseInputSchema(o.standards ?? DEFAULT_STANDARDS);
    this.writer = new CanonicalWriter({
      transactor: o.transactor,
      protection: { ...EXPENSES_PROTECTION, ...o.protection },
      monitor: o.monitor,
      fieldName: (c) => COLUMN_FIELDS[c] ?? c,
      verifyEveryTransaction: o.verifyEveryTransaction,
    });
  }

  /** Checks the database side once (tables, roles, catalog); call at start-up to fail early. */
  ready(): Promise<void> {
    return this.writer.ready();
  }

  private validate(input: unknown, prefix = ''): Expense {
    try {
      return this.schema.parse(input);
    } catch (e) {
      if (e instanceof ZodError) {
        throw new WriterValidationError(
          e.issues.map((i) => ({ path: `${prefix}${i.path.map(String).join('.') || '(input)'}`, message: i.message })),
          { cause: e },
        );
      }
      throw e;
    }
  }

  async create(input: ExpenseInput, opts: CallOptions): Promise<WriteResult<ExpenseRow>> {
    const e = await this.writer.validated('create', () => this.validate(input));
    const key = opts.idempotencyKey ?? e.idempotencyKey;
    return (await this.writer.create(columns(e, key), { ...opts, idempotencyKey: key })) as WriteResult<ExpenseRow>;
  }

  async update(id: string | number, patch: Partial<ExpenseInput>, opts: CallOptions): Promise<WriteResult<ExpenseRow>> {
    const result = await this.writer.update(
      id,
      (before) => {
        // The merged row must meet the standards (a new currency may allow fewer decimals than the old amount has).
        const merged = this.validate({
          userId: before.user_id,
          amount: patch.amount ?? plainDecimal(before.amount!),
          currency: patch.currency ?? before.currency,
          source: patch.source ?? before.source,
          description: patch.description ?? before.description ?? undefined,
          categoryId: patch.categoryId ?? before.category_id ?? undefined,
          occurredAt: patch.occurredAt ?? before.occurred_at,
        });
        const { user_id: _user, idempotency_key: _key, ...changed } = columns(merged, undefined);
        return { ...changed, updated_at: new Date() };
      },
      { ...opts, request: patch },
    );
    return result as WriteResult<ExpenseRow>;
  }

  async delete(id: string | number, opts: CallOptions): Promise<WriteResult<ExpenseRow | null>> {
    return (await this.writer.delete(id, opts)) as WriteResult<ExpenseRow | null>;
  }

  /** All or nothing: every row is validated first (errors name the row), then inserted in one transaction. */
  async bulkImport(inputs: ExpenseInput[], opts: CallOptions): Promise<WriteResult<ExpenseRow[]>> {
    const rows = await this.writer.validated('import', () => {
      const issues: { path: string; message: string }[] = [];
      const out = inputs.map((input, i) => {
        try {
          return this.validate({ source: 'import', ...input }, `[${i}].`);
        } catch (e) {
          if (e instanceof WriterValidationError) issues.push(...e.issues);
          else throw e;
          return undefined;
        }
      });
      if (issues.length) throw new WriterValidationError(issues);
      return out as Expense[];
    });
    return (await this.writer.createMany(
      rows.map((e) => columns(e, e.idempotencyKey)),
      opts,
    )) as WriteResult<ExpenseRow[]>;
  }
}
