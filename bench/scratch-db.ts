import { createScratchDatabase, type ScratchDatabase } from '../src/verify/scratch-database.js';

/**
 * A fresh database on the server of `adminUrl`, named `<prefix>_<pid>_<random>`;
 * `drop()` removes it. The tool's own helper (src/verify/scratch-database.ts),
 * with the process id in the name so a leftover points at the run that left it.
 */
export function scratchDatabase(adminUrl: string, prefix: string): Promise<ScratchDatabase> {
  return createScratchDatabase(adminUrl, `${prefix}_${process.pid}`);
}
