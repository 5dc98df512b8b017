import { classifySql, createTableMatcher, type WriteOperation } from '../sql/index.js';

export interface ProtectedWrite {
  table: string;
  operation: WriteOperation;
}

/**
 * The shared SQL classifier behind a bounded LRU keyed by query text: an
 * application sends the same few hundred texts over and over, so the parser
 * runs once per text.
 */
export class ClassifyCache {
  private readonly entries = new Map<string, ProtectedWrite[] | null>();
  private readonly matcher;

  constructor(
    protectedTables: string[],
    private readonly max = 2000,
  ) {
    this.matcher = createTableMatcher(protectedTables);
  }

  /** Protected writes in `sql`; null when the parser cannot read it. */
  protectedWrites(sql: string): ProtectedWrite[] | null {
    const hit = this.entries.get(sql);
    if (hit !== undefined) {
      this.entries.delete(sql);
      this.entries.set(sql, hit);
      return hit;
    }
    let result: ProtectedWrite[] | null;
    try {
      result = classifySql(sql)
        .flatMap((s) => s.writes)
        .flatMap((w) => {
          const table = this.matcher.matches(w);
          return table ? [{ table, operation: w.operation }] : [];
        });
    } catch {
      result = null;
    }
    this.entries.set(sql, result);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    return result;
  }

  get size(): number {
    return this.entries.size;
  }
}
