import type { RuleMeta } from '../findings/finding.js';
import type { RevisionFile } from '../revisions/revision-file.js';
import type { ClassifiedStatement } from '../sql/index.js';

/**
 * What a rule sees of the revision it is linting: the facts the lint gathered
 * from the statements before this one, and the way to report.
 */
export interface LintContext {
  file: RevisionFile;
  /** The revision runs in a transaction (`Transaction: true`). */
  inTransaction: boolean;
  /** Tables created earlier in this revision (`schema.table`, lower case): nothing else can be using them yet. */
  createdHere: ReadonlySet<string>;
  /** `schema.table.column`s proven NOT NULL by a CHECK (col IS NOT NULL), in this or an earlier revision. */
  notNullChecks: ReadonlySet<string>;
  /** The revision sets its own lock_timeout. */
  setsLockTimeout: boolean;
  /** The engine's lock_timeout is off (migrate.lockTimeoutMs = 0). */
  engineLockTimeoutOff: boolean;
  /** A `-- note:` above the statement, or the revision's description names `name`: the author explained it. */
  explained(s: ClassifiedStatement, name: string): boolean;
  /** Reports `s` under the rule, unless a suppression comment above it says why not. `once` reports at most once per revision. */
  report(s: ClassifiedStatement, message: string, o?: { once?: boolean }): void;
}

/** One lint rule: its metadata (for every reporter and SARIF) and its check of one statement. */
export interface LintRule {
  meta: RuleMeta;
  check(s: ClassifiedStatement, c: LintContext): void;
}

/** `schema.table` (public when unqualified), lower case: the form the lint's facts use. */
export function tableKey(name: string | undefined): string | undefined {
  return name?.toLowerCase();
}
