import { createTableMatcher, classifySql, initSqlParser, type TableMatcher, type WriteOperation } from '../sql/index.js';
import { LruCache } from './lru-cache.js';
import { SingleWriterViolationError, isDbGuardError } from './violation-error.js';
import { currentWriter } from './writer-context.js';

export type GuardMode = 'enforce' | 'log';

export interface ViolationSink {
  recordViolation(layer: 'runtime' | 'database', table: string, operation: string): void;
}

export interface GuardOptions {
  /** Tables only the canonical writer may write (default: singleWriter.protectedTables, i.e. expenses). */
  protectedTables?: string[];
  /** `log` (rollout): report violations through onViolation and let them through. Default `enforce`. */
  mode?: GuardMode;
  onViolation?: (error: SingleWriterViolationError) => void;
  /** Classification cache size (distinct query texts). Default 1000. */
  cacheSize?: number;
  /** Where violations are counted (the monitor). */
  monitor?: ViolationSink;
}

interface ProtectedWrite {
  table: string;
  operation: WriteOperation;
}

/** undefined: not a protected write; a parse error lets the text through (the server rejects it anyway). */
type Verdict = ProtectedWrite | null;

export interface SingleWriterGuard {
  readonly mode: GuardMode;
  /** Throws SingleWriterViolationError (enforce) when `sql` writes a protected table outside withWriter(). */
  check(sql: string): void;
  /** The classification of `sql` (cached): the first protected write, or null. */
  classify(sql: string): Verdict;
  /** Counts a database-guard rejection seen on a guarded connection. */
  observeError(error: unknown): void;
  readonly cacheSize: number;
}

const GUARD_FRAME = /[/\\]runtime[/\\](guard|guard-pg|guard-pglite)\.[jt]s/;

function callerStack(): string {
  const lines = (new Error().stack ?? '').split('\n').slice(1);
  return lines.filter((l) => !GUARD_FRAME.test(l)).join('\n');
}

/**
 * The runtime guard's core: every query text goes through the one SQL
 * classifier (src/sql), cached by text in a bounded LRU so a hot query costs one
 * Map lookup.
 */
export async function createGuard(options: GuardOptions = {}): Promise<SingleWriterGuard> {
  await initSqlParser();
  const matcher: TableMatcher = createTableMatcher(options.protectedTables ?? ['expenses']);
  const cache = new LruCache<string, Verdict>(options.cacheSize ?? 1000);
  const mode = options.mode ?? 'enforce';

  function classify(sql: string): Verdict {
    const hit = cache.get(sql);
    if (hit !== undefined) return hit;
    let verdict: Verdict = null;
    try {
      for (const stmt of classifySql(sql)) {
        for (const w of stmt.writes) {
          const pattern = matcher.matches(w);
          if (pattern) {
            verdict = { table: w.schema ? `${w.schema}.${w.table}` : w.table, operation: w.operation };
            break;
          }
        }
        if (verdict) break;
      }
    } catch {
      verdict = null;
    }
    cache.set(sql, verdict);
    return verdict;
  }

  return {
    mode,
    classify,
    get cacheSize() {
      return cache.size;
    },
    check(sql: string): void {
      // Read the flag first and synchronously: by the time a callback runs, the context may be another caller's.
      if (currentWriter()) return;
      const verdict = classify(sql);
      if (!verdict) return;
      const error = new SingleWriterViolationError(verdict.table, verdict.operation, sql, callerStack());
      options.monitor?.recordViolation('runtime', verdict.table, verdict.operation);
      if (mode === 'log') {
        (options.onViolation ?? ((e) => process.emitWarning(e.message, 'SingleWriterViolation')))(error);
        return;
      }
      options.onViolation?.(error);
      throw error;
    },
    observeError(error: unknown): void {
      if (isDbGuardError(error)) options.monitor?.recordViolation('database', 'expenses', 'write');
    },
  };
}
