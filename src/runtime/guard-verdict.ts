import { classifySql, createTableMatcher, type StatementEffects, type TableMatcher } from '../sql/index.js';

/** What the guard refuses, and why. */
export type FindingKind = 'write' | 'ddl' | 'setting' | 'opaque';

export interface GuardFinding {
  kind: FindingKind;
  /** The protected table (or pattern) concerned; empty for settings and opaque text. */
  table: string;
  /** `insert`, `delete` …, a DDL action (`ALTER TABLE … DISABLE TRIGGER`), `SET <name>`, or `opaque`. */
  operation: string;
  /** Where it was found (`in a DO block`) or why it matters. */
  detail?: string;
}

export interface Verdict {
  /** Writes, DDL and setting changes the guard refuses wherever it runs. */
  findings: GuardFinding[];
  /** What the guard cannot see (dynamic EXECUTE of computed text, other languages, text that does not parse). */
  opaque: string[];
}

/**
 * Settings that change how the server reads SQL text (the guard parses with
 * standard_conforming_strings on, UTF-8, backslash_quote safe_encoding) or who
 * the session is (role, session authorization, replication role, which
 * disables triggers).
 */
export const GUARDED_SETTINGS = new Set(['standard_conforming_strings', 'backslash_quote', 'client_encoding', 'role', 'session_authorization', 'session_replication_role']);
const UTF8 = new Set(['utf8', 'utf-8', 'unicode']);

function settingFinding(s: StatementEffects['settings'][number]): GuardFinding | undefined {
  if (s.name === '*') {
    // RESET ALL restores the defaults the guard assumes; a computed set_config name could be anything.
    return s.how === 'set_config' ? { kind: 'setting', table: '', operation: 'set_config', detail: 'with a computed setting name' } : undefined;
  }
  if (!GUARDED_SETTINGS.has(s.name)) return undefined;
  if (s.name === 'client_encoding' && s.value !== undefined && UTF8.has(s.value.toLowerCase())) return undefined;
  return { kind: 'setting', table: '', operation: `${s.how} ${s.name}`, detail: 'changes how the server reads SQL or who the session is' };
}

/** The guard's judgement of a query text, from the shared classifier. Never throws. */
export function judge(sql: string, matcher: TableMatcher): Verdict {
  let statements;
  try {
    statements = classifySql(sql);
  } catch (e) {
    return { findings: [], opaque: [`the text does not parse (${(e as Error).message})`] };
  }
  const findings: GuardFinding[] = [];
  const opaque: string[] = [];
  for (const s of statements) {
    for (const w of s.writes) {
      const table = matcher.matches(w);
      if (table) findings.push({ kind: 'write', table, operation: w.operation, ...(w.via ? { detail: `in a ${w.via}` } : {}) });
    }
    for (const d of s.ddl) {
      const table = d.shadow ? matcher.matchesName(d.table) : matcher.matches(d);
      if (table) findings.push({ kind: 'ddl', table, operation: d.action, ...(d.shadow ? { detail: 'a relation of that name shadows the protected table' } : {}) });
    }
    for (const st of s.settings) {
      const f = settingFinding(st);
      if (f) findings.push(f);
    }
    opaque.push(...s.opaque);
  }
  return { findings, opaque };
}

/**
 * The guard's judgement behind a bounded cache keyed by query text: an
 * application sends the same few hundred texts over and over, so the parser
 * runs once per text. A hit is one map lookup (no reordering on the hot path);
 * when full, the oldest entry goes.
 */
export class VerdictCache {
  private readonly entries = new Map<string, Verdict>();
  private readonly matcher: TableMatcher;

  constructor(
    protectedTables: string[],
    private readonly max = 2000,
  ) {
    this.matcher = createTableMatcher(protectedTables);
  }

  verdict(sql: string): Verdict {
    const hit = this.entries.get(sql);
    if (hit !== undefined) return hit;
    const result = judge(sql, this.matcher);
    this.entries.set(sql, result);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    return result;
  }

  get size(): number {
    return this.entries.size;
  }
}
