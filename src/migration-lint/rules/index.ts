import type { RuleMeta } from '../../findings/finding.js';
import type { LintRule } from '../rule.js';
import { changeColumnType } from './change-column-type.js';
import { concurrentlyInTransaction } from './concurrently-in-transaction.js';
import { constraintNotValid } from './constraint-not-valid.js';
import { dropWithoutNote } from './drop-without-note.js';
import { nonIdempotentData } from './non-idempotent-data.js';
import { nonIdempotent } from './non-idempotent.js';
import { rename } from './rename.js';
import { requireConcurrentIndex } from './require-concurrent-index.js';
import { requireLockTimeout } from './require-lock-timeout.js';
import { setNotNull } from './set-not-null.js';
import { volatileDefault } from './volatile-default.js';

/** The lint's rules, one per file, with squawk's and strong_migrations' intent: why, and the safe pattern. */
export const RULES: LintRule[] = [
  requireConcurrentIndex,
  concurrentlyInTransaction,
  volatileDefault,
  setNotNull,
  constraintNotValid,
  changeColumnType,
  rename,
  dropWithoutNote,
  nonIdempotent,
  nonIdempotentData,
  requireLockTimeout,
];

/** Reported by the lint itself when the Postgres parser rejects a revision's SQL. */
export const SYNTAX_RULE: RuleMeta = { id: 'migrations/syntax', shortDescription: 'SQL syntax error', fullDescription: 'The Postgres parser rejects the SQL.', help: 'Fix the SQL.', defaultSeverity: 'error' };

export const LINT_RULES: RuleMeta[] = [...RULES.map((r) => r.meta), SYNTAX_RULE];
