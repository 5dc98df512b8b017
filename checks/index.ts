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
};
