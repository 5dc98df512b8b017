import type { CheckRegistry } from '../src/check-runner/check.js';
import type { RunChecksOptions, RunChecksResult } from '../src/check-runner/run-checks.js';

/**
 * Every check finbrain knows, by id. `finbrain check <id>` runs one; `check all`
 * runs every one that is enabled (checks.<id>.enabled in finbrain.config.json,
 * default true). Add a check here and in checks/<id>.ts.
 */
export const CHECKS: CheckRegistry = {
  'single-writer': {
    description: 'prove that only the canonical writer module writes protected tables (SQL-aware, TypeScript resolver, per-library sink models)',
    load: () => import('./single-writer.js').then((m) => m.check),
  },
  migrations: {
    description: 'lint revision files for locking, rewriting and non-idempotent DDL (squawk / strong_migrations rules)',
    load: () => import('./migrations.js').then((m) => m.check),
  },
  security: {
    description: 'committed env files, secrets in tracked files and (--history) in git history, SQL/shell injection and eval in TS',
    load: () => import('./security.js').then((m) => m.check),
  },
  data: {
    description: 'scan the tables in standards.tables for money rows that break the data standards (needs a database; off in check all by default)',
    load: () => import('./data.js').then((m) => m.check),
  },
  codeowners: {
    description: 'CODEOWNERS syntax, owners, duplicates, dead patterns and protected paths without an owner',
    load: () => import('./codeowners.js').then((m) => m.check),
  },
};

/** The core of `finbrain check <id>|all`: runs the named checks (or every enabled one) over one shared file set. */
export async function runChecks(options: RunChecksOptions): Promise<RunChecksResult> {
  // Lazy: the CLI reads this registry to declare its subcommands and must stay light to start.
  const { runChecks: runWith } = await import('../src/check-runner/run-checks.js');
  return runWith(CHECKS, options);
}
