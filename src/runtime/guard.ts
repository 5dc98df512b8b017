import { initSqlParser } from '../sql/index.js';
import type { GuardCore, OpaquePolicy } from './guard-core.js';
import { VerdictCache, type FindingKind } from './guard-verdict.js';
import { guardPgClient, guardPgPool } from './pg-guard.js';
import { guardPgliteInstance } from './pglite-guard.js';
import { SingleWriterViolationError, isDbGuardError } from './violation.js';

export type { OpaquePolicy } from './guard-core.js';

const RUNTIME_DIR = new URL('.', import.meta.url).pathname;

export interface Violation {
  layer: 'runtime' | 'database';
  kind: FindingKind | 'database';
  table: string;
  operation: string;
  sql: string;
  stack: string;
}

export interface GuardOptions {
  /**
   * Tables no application statement may write or change: the protected tables
   * with their audit and idempotency tables (`protectedTablesOf(options)`).
   * `name` matches in any schema, `schema.name` in that schema only.
   */
  protectedTables?: string[];
  /** `enforce` rejects (default); `log` reports and lets the statement through, for a rollout. */
  mode?: 'enforce' | 'log';
  onViolation?: (v: Violation) => void;
  cacheSize?: number;
  /** Overrides the per-handle default for text the guard cannot see through (PGlite: reject, pg: allow). */
  opaqueSql?: OpaquePolicy;
}

/**
 * The runtime guard: application handles (a pg Pool or Client, a PGlite
 * instance) never write a protected table, change it, or change how the
 * server reads SQL. It has no exemption: the canonical writer does not use a
 * guarded handle (it has its own pool with its own login, or on PGlite the
 * channel only it holds), so there is no right in the process that code could
 * inherit, import or schedule its way into.
 */
export class SingleWriterGuard {
  readonly cache: VerdictCache;
  readonly mode: 'enforce' | 'log';
  private readonly core: GuardCore;
  /** Log mode: texts an outer check reported, with how many inner checks of the same statement are still to come. */
  private readonly reportedOuter = new Map<string, number>();

  private constructor(private readonly o: GuardOptions) {
    this.cache = new VerdictCache(o.protectedTables ?? [], o.cacheSize);
    this.mode = o.mode ?? 'enforce';
    const guard = this;
    this.core = {
      mode: this.mode,
      protectedTables: o.protectedTables ?? [],
      opaquePolicy: (d) => o.opaqueSql ?? d,
      watchesDatabase: o.onViolation !== undefined,
      judge: (text, policy, innerChecks = 0) => guard.judge(text, policy, innerChecks),
      refuse: (kind, operation, text, detail) => guard.report(kind, '', operation, text, detail),
      databaseError: (e, text) => {
        if (isDbGuardError(e, o.protectedTables ?? [])) {
          o.onViolation?.({ layer: 'database', kind: 'database', table: '', operation: String((e as { code?: string }).code), sql: text, stack: '' });
        }
      },
    };
  }

  /** Loads the SQL parser once; every later check is synchronous. */
  static async create(o: GuardOptions = {}): Promise<SingleWriterGuard> {
    await initSqlParser();
    return new SingleWriterGuard(o);
  }

  /**
   * The violation for `sql` on a handle with this opaque-text policy, or
   * undefined when the guard lets it through. Reports every violation.
   */
  check(sql: string, policy: OpaquePolicy = 'allow'): SingleWriterViolationError | undefined {
    return this.judge(sql, this.o.opaqueSql ?? policy, 0);
  }

  private judge(text: string, policy: OpaquePolicy, innerChecks: number): SingleWriterViolationError | undefined {
    const v = this.cache.verdict(text);
    const f = v.findings[0];
    if (!f && !(policy === 'reject' && v.opaque.length)) return undefined;
    if (this.mode === 'log') {
      // Already reported by an outer check of the same statement: do not report it again.
      const n = this.reportedOuter.get(text);
      if (n) {
        if (n === 1) this.reportedOuter.delete(text);
        else this.reportedOuter.set(text, n - 1);
        return undefined;
      }
    }
    const err = f ? this.report(f.kind, f.table, f.operation, text, f.detail) : this.report('opaque', '', 'opaque', text, v.opaque.join('; '));
    if (this.mode === 'log' && innerChecks > 0) this.reportedOuter.set(text, (this.reportedOuter.get(text) ?? 0) + innerChecks);
    return err;
  }

  private report(kind: FindingKind, table: string, operation: string, text: string, detail?: string): SingleWriterViolationError | undefined {
    // The caller's frames: the guard's own are left out.
    const stack = (new Error().stack ?? '')
      .split('\n')
      .slice(1)
      .filter((line) => !line.includes(RUNTIME_DIR))
      .join('\n');
    const err = new SingleWriterViolationError(kind, table, operation, text, stack, detail);
    this.o.onViolation?.({ layer: 'runtime', kind, table, operation, sql: text, stack });
    return this.mode === 'enforce' ? err : undefined;
  }

  /** Guards a pg Client or PoolClient in place (before it connects, so its startup settings are seen too). */
  guardClient<C extends { query: (...a: any[]) => any }>(client: C): C {
    return guardPgClient(this.core, client);
  }

  /** Guards a pg Pool in place: `pool.query`, and every client it creates or holds. */
  guardPool<P extends { query: (...a: any[]) => any }>(pool: P): P {
    return guardPgPool(this.core, pool);
  }

  /** Guards a PGlite instance in place: text and byte-level entry points, and the handle inside transaction(). */
  guardPglite<G extends { query: (...a: any[]) => any; exec: (...a: any[]) => any; transaction: (fn: (tx: any) => any) => any }>(db: G): G {
    return guardPgliteInstance(this.core, db as G & Record<string, unknown>);
  }
}
