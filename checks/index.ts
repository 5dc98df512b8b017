import type { CheckEntry } from './types.js';

/**
 * Every check finbrain knows, by id. `finbrain check <id>` runs one; `check all`
 * runs every one that is enabled (checks.<id>.enabled in finbrain.config.json,
 * default true). Add a check here and in checks/<id>.ts.
 */
export const CHECKS: Record<string, CheckEntry> = {
  'single-writer': {
    description: 'prove that only the canonical writer module writes protected tables',
    load: () => import('./single-writer.js').then((m) => m.check),
  },
  migrations: {
    description: 'lint revision files for locking, rewriting and non-idempotent DDL',
    load: () => import('./migrations.js').then((m) => m.check),
  },
  security: {
    description: 'committed env files, secrets in tracked files (secretlint), SQL/shell injection and eval in TS',
    load: () => import('./security.js').then((m) => m.check),
  },
  data: {
    description: 'scan the database for expenses that break the data standards (needs a database; off in check all by default)',
    load: () => import('./data.js').then((m) => m.check),
  },
  codeowners: {
    description: 'CODEOWNERS syntax, owners, duplicates, dead patterns and protected paths without an owner',
    load: () => import('./codeowners.js').then((m) => m.check),
  },
};
