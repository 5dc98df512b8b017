import { linkSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { DatabaseError } from '../errors.js';

/**
 * PGlite is one process's database: two processes opening the same data
 * directory would corrupt it. A lock file (created with O_EXCL, holding the
 * owner's pid) serialises them; a lock whose process is gone is taken over.
 */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function lockDirectory(lockFile: string, waitMs: number): Promise<() => void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      // Write the pid first, then link it into place: the lock appears with its owner in one step.
      const tmp = `${lockFile}.${process.pid}`;
      writeFileSync(tmp, String(process.pid));
      try {
        linkSync(tmp, lockFile);
      } finally {
        rmSync(tmp, { force: true });
      }
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        rmSync(lockFile, { force: true });
      };
      process.once('exit', release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let owner = 0;
      let age = 0;
      try {
        owner = Number(readFileSync(lockFile, 'utf8').trim() || 0);
        age = Date.now() - statSync(lockFile).mtimeMs;
      } catch {
        continue; // released meanwhile
      }
      // An empty file is a lock being written right now (open then write): not stale yet.
      if ((owner && !alive(owner)) || (!owner && age > 5_000)) {
        rmSync(lockFile, { force: true });
        continue;
      }
      if (Date.now() >= deadline) {
        throw new DatabaseError(`the embedded database is in use by process ${owner} (${lockFile})`, {
          hint: 'Wait for the other finbrain command to finish, or set DATABASE_URL to use a server.',
        });
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
