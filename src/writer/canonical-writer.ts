import type { ProtectionOptions } from '../protection/protection-sql.js';
import type { Outcome, WriterMonitor } from '../runtime/monitor.js';
import { explainDbError, type ConstraintInfo, type ErrorContext } from './db-errors.js';
import { IdempotencyConflictError, ProtectionMissingError, ProtectionTamperedError, TransactionClosedError, WriterValidationError } from './errors.js';
import { requestHash } from './request-hash.js';
import type { Transactor, Tx } from './transactor.js';
import { writeSql, type WriteSql } from './write-sql.js';
import { protectionObjectNames, quoteIdent } from '../protection/protection-sql.js';

/** A row as the writer returns it: every column as text (money and ids keep their exact digits), or null. */
export type Row = Record<string, string | null>;

export interface CallOptions {
  /** Who asked: recorded in the audit trail. */
  actor: string;
  /** Makes the operation idempotent: a retry with the same key and request gets the first result. */
  idempotencyKey?: string;
}

export interface WriteResult<T> {
  result: T;
  /** True when an earlier request with the same idempotency key answered this one; nothing was written. */
  replayed: boolean;
}

export interface CanonicalWriterOptions {
  /** The writer's own connection: `pgPoolTransactor(writerPool)` or `pgliteTransactor(db)`. */
  transactor: Transactor;
  /** The protected table and its companions, as installed by its protection revision (`protectionDefaults(table, config.protection)`). */
  protection: ProtectionOptions;
  /** Default `id`. */
  primaryKey?: string;
  monitor?: WriterMonitor;
  /** The caller's name for a column in validation messages (default: the column name). */
  fieldName?: (column: string) => string;
  /**
   * Run the protection's catalog check (rules, children, disabled triggers,
   * stray privileges …) in every transaction, in the same round trip as BEGIN.
   * Default true; false checks once, on first use.
   */
  verifyEveryTransaction?: boolean;
}

/** The writes an operation may do, each with its audit row in the same statement. */
export interface WriteTx {
  insert(values: Record<string, unknown>, o?: { prefix?: string }): Promise<Row>;
  /** Locks the row for the rest of the transaction; undefined when there is none. */
  lock(id: string | number): Promise<Row | undefined>;
  update(id: string | number, values: Record<string, unknown>): Promise<Row>;
  /** The deleted row, or null when there was none. */
  delete(id: string | number): Promise<Row | null>;
}

function outcomeOf(e: unknown): Outcome {
  if (e instanceof WriterValidationError) return 'validation';
  if (e instanceof IdempotencyConflictError) return 'conflict';
  const code = (e as { code?: string })?.code;
  if (code === '23505' || code === '40001' || code === '40P01') return 'conflict';
  return 'db_error';
}

const definedEntries = (values: Record<string, unknown>) => Object.entries(values).filter(([, v]) => v !== undefined);
const param = (v: unknown) => (v instanceof Date ? v.toISOString() : typeof v === 'bigint' ? v.toString() : v);

/**
 * The canonical writer of one protected table (expenses, payments,
 * ledger_entries …): the only code that writes it. Every operation runs in one
 * transaction on the writer's own connection, as the writer role, with a fixed
 * search_path and the protection's catalog check; it is idempotent by key (a
 * reused key with a different request is a conflict), appends an audit row in
 * the same statement as each change, turns database refusals into errors that
 * name the field and what is expected, and records its outcome and latency.
 */
export class CanonicalWriter {
  readonly label: string;
  private readonly sql: WriteSql;
  private readonly primaryKey: string;
  private readonly verifyEvery: boolean;
  private constraints = new Map<string, ConstraintInfo>();
  private readyOnce?: Promise<void>;

  constructor(private readonly o: CanonicalWriterOptions) {
    this.primaryKey = o.primaryKey ?? 'id';
    this.sql = writeSql({ ...o.protection, primaryKey: this.primaryKey });
    this.label = this.sql.label;
    this.verifyEvery = o.verifyEveryTransaction ?? true;
  }

  private field = (column: string) => (this.o.fieldName ? this.o.fieldName(column) : column);

  private context(values?: Record<string, unknown>, prefix?: string): ErrorContext {
    return { label: this.label, writerRole: this.o.protection.writerRole, constraints: this.constraints, field: this.field, values, prefix };
  }

  /**
   * Checks once that the protection is installed (tables, verify function,
   * role) and loads the table's constraints, so database refusals can name
   * the field. Operations call it; call it at start-up to fail early.
   */
  ready(): Promise<void> {
    this.readyOnce ??= this.load().catch((e) => {
      this.readyOnce = undefined;
      throw e;
    });
    return this.readyOnce;
  }

  private async load(): Promise<void> {
    const p = this.o.protection;
    const q = (name: string) => `${quoteIdent(p.schema)}.${quoteIdent(name)}`;
    const verify = `${q(protectionObjectNames(p).verifyFunction)}()`;
    try {
      await this.o.transactor(async (tx) => {
        const found = (await tx.query<{ has_table: boolean; has_audit: boolean; has_requests: boolean; has_verify: boolean }>(this.sql.catalog, [q(p.table), q(p.auditTable), q(p.idempotencyTable), verify])).rows[0]!;
        const missing = [
          !found.has_table && `table ${p.schema}.${p.table}`,
          !found.has_audit && `audit table ${p.schema}.${p.auditTable}`,
          !found.has_requests && `idempotency table ${p.schema}.${p.idempotencyTable}`,
          !found.has_verify && `function ${p.schema}.${protectionObjectNames(p).verifyFunction}()`,
        ].filter(Boolean);
        if (missing.length) throw new ProtectionMissingError(this.label, `${missing.join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist`);
        const problems = (await tx.script<{ problem: string }>(this.sql.setup(true))).rows.map((r) => r.problem);
        if (problems.length) throw new ProtectionTamperedError(this.label, problems);
        const rows = (await tx.query<ConstraintInfo>(this.sql.constraints, [q(p.table)])).rows;
        this.constraints = new Map(rows.map((r) => [r.name, r]));
      });
    } catch (e) {
      throw explainDbError(e, this.context());
    }
  }

  private async record(operation: string, outcome: Outcome, started: number): Promise<void> {
    await this.o.monitor?.record(`${this.o.protection.table}.${operation}`, outcome, performance.now() - started);
  }

  /** Runs `fn` (typically input validation); a validation error it throws is recorded as the operation's outcome. */
  async validated<T>(operation: string, fn: () => T): Promise<T> {
    const started = performance.now();
    try {
      return fn();
    } catch (e) {
      if (e instanceof WriterValidationError) await this.record(operation, 'validation', started);
      throw e;
    }
  }

  /**
   * One operation in one transaction. `request` is what identifies it for
   * idempotency (a retry must send an equal request with the same key).
   */
  async run<T>(operation: string, opts: CallOptions & { request: unknown }, body: (w: WriteTx) => Promise<T>): Promise<WriteResult<T>> {
    const started = performance.now();
    try {
      await this.ready();
      const out = await this.attempt(operation, opts, body, false);
      await this.record(operation, 'ok', started);
      return out;
    } catch (e) {
      const explained = explainDbError(e, this.context());
      await this.record(operation, outcomeOf(explained), started);
      throw explained;
    }
  }

  private async attempt<T>(operation: string, opts: CallOptions & { request: unknown }, body: (w: WriteTx) => Promise<T>, retried: boolean): Promise<WriteResult<T>> {
    const key = opts.idempotencyKey;
    const hash = key === undefined ? undefined : requestHash(operation, opts.request);
    try {
      return await this.o.transactor(async (tx) => {
        const problems = (await tx.script<{ problem: string }>(this.sql.setup(this.verifyEvery))).rows.map((r) => r.problem);
        if (problems.length) throw new ProtectionTamperedError(this.label, problems);
        if (key !== undefined) {
          const prior = (await tx.query<{ operation: string; request_hash: string; result: T }>(this.sql.lookupRequest, [key])).rows[0];
          if (prior) {
            if (prior.operation !== operation || prior.request_hash !== hash) throw new IdempotencyConflictError(key, prior.operation, operation);
            return { result: prior.result, replayed: true };
          }
        }
        let open = true;
        const result = await body(this.writeTx(tx, operation, opts, () => open));
        open = false;
        if (key !== undefined) await tx.query(this.sql.recordRequest, [key, operation, hash, JSON.stringify(result ?? null)]);
        return { result, replayed: false };
      });
    } catch (e) {
      // A concurrent request with the same key committed first (its row or its record): answer as it did.
      if (!retried && key !== undefined && (e as { code?: string })?.code === '23505') return this.attempt(operation, opts, body, true);
      throw e;
    }
  }

  private writeTx(tx: Tx, operation: string, opts: CallOptions, live: () => boolean): WriteTx {
    const auditParams = [operation, opts.actor, opts.idempotencyKey ?? null];
    const run = async (text: string, params: unknown[], values?: Record<string, unknown>, prefix?: string) => {
      if (!live()) throw new TransactionClosedError();
      try {
        return (await tx.query<{ row: Row }>(text, params)).rows;
      } catch (e) {
        throw explainDbError(e, this.context(values, prefix));
      }
    };
    const vanished = (what: string) => new ProtectionTamperedError(this.label, [what]);
    return {
      insert: async (values, o = {}) => {
        const entries = definedEntries(values);
        const rows = await run(this.sql.insert(entries.map(([c]) => c)), [...entries.map(([, v]) => param(v)), ...auditParams], values, o.prefix);
        // RETURNING gave nothing: a trigger or policy swallowed the row.
        if (!rows[0]) throw vanished('an INSERT returned no row (a trigger or policy swallowed it)');
        return rows[0].row;
      },
      lock: async (id) => (await run(this.sql.lockRow, [String(id)]))[0]?.row,
      update: async (id, values) => {
        const entries = definedEntries(values);
        if (!entries.length) {
          const row = (await run(this.sql.lockRow, [String(id)]))[0]?.row;
          if (!row) throw this.notFound(id);
          return row;
        }
        const rows = await run(this.sql.update(entries.map(([c]) => c)), [String(id), ...entries.map(([, v]) => param(v)), ...auditParams], values);
        if (!rows[0]) {
          const exists = (await run(this.sql.existsAnywhere, [String(id)])).length > 0;
          if (exists) throw vanished(`an UPDATE of ${this.primaryKey} ${id} touched no row although the row exists`);
          throw this.notFound(id);
        }
        return rows[0].row;
      },
      delete: async (id) => {
        const rows = await run(this.sql.delete, [String(id), ...auditParams]);
        if (rows[0]) return rows[0].row;
        const exists = (await run(this.sql.existsAnywhere, [String(id)])).length > 0;
        if (exists) throw vanished(`a DELETE of ${this.primaryKey} ${id} touched no row although the row exists`);
        return null;
      },
    };
  }

  private notFound(id: string | number): WriterValidationError {
    return new WriterValidationError([{ path: this.field(this.primaryKey), message: `no ${this.label} row has ${this.primaryKey} ${JSON.stringify(String(id))}; expected the ${this.primaryKey} of an existing row` }]);
  }

  /** Inserts one row; `values` by column (undefined columns take their defaults). */
  create(values: Record<string, unknown>, opts: CallOptions): Promise<WriteResult<Row>> {
    return this.run('create', { ...opts, request: values }, (w) => w.insert(values));
  }

  /** Inserts all rows or none. Validation messages name the row (`[3].amount`). */
  createMany(rows: Record<string, unknown>[], opts: CallOptions, operation = 'import'): Promise<WriteResult<Row[]>> {
    return this.run(operation, { ...opts, request: rows }, async (w) => {
      const out: Row[] = [];
      for (const [i, values] of rows.entries()) out.push(await w.insert(values, { prefix: `[${i}].` }));
      return out;
    });
  }

  /**
   * Updates one row. `patch` is the columns to set, or a function of the
   * locked current row that returns them (to validate the merged row);
   * `request` identifies the update for idempotency (default: the patch).
   */
  update(id: string | number, patch: Record<string, unknown> | ((before: Row) => Record<string, unknown>), opts: CallOptions & { request?: unknown }): Promise<WriteResult<Row>> {
    const request = { id: String(id), patch: opts.request ?? (typeof patch === 'function' ? undefined : patch) };
    return this.run('update', { ...opts, request }, async (w) => {
      const before = await w.lock(id);
      if (!before) throw this.notFound(id);
      return w.update(id, typeof patch === 'function' ? patch(before) : patch);
    });
  }

  /** Deletes one row; the result is the deleted row, or null when there was none. */
  delete(id: string | number, opts: CallOptions): Promise<WriteResult<Row | null>> {
    return this.run('delete', { ...opts, request: { id: String(id) } }, (w) => w.delete(id));
  }
}

/** The tables a runtime guard must keep application code away from, for one protection: the table, its audit trail and its idempotency records. */
export function protectedTablesOf(p: ProtectionOptions): string[] {
  return [p.table, p.auditTable, p.idempotencyTable].map((t) => `${p.schema}.${t}`);
}
