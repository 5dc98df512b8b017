import { linkSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { DatabaseError } from '../errors.js';

/**
 * PGlite is one process's database: two processes opening the same data
 * directory would corrupt it. A lock file (created with O_EXCL semantics,
 * holding the owner's pid, host and start time) serialises them. A lock whose
 * process is gone — or whose pid now belongs to another process that started
 * later (pid reuse after a container restart) — is stale and taken over.
 */
interface LockOwner {
  pid: number;
  host?: string;
  /** When the owning process started (ms since the epoch), to tell it from a later process with the same pid. */
  startedAt?: number;
  command?: string;
}

/** Lock files this process holds: opening one of them again here cannot wait for itself. */
const held = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Start time of a process from /proc (Linux); undefined elsewhere. */
function processStart(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    const bootTime = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    // Linux reports in clock ticks of USER_HZ, 100 on every mainstream build.
    return Number.isFinite(ticks) && Number.isFinite(bootTime) ? bootTime * 1000 + ticks * 10 : undefined;
  } catch {
    return undefined;
  }
}

function readOwner(lockFile: string): LockOwner | undefined {
  const text = readFileSync(lockFile, 'utf8').trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return { pid: Number(text) };
  try {
    const o = JSON.parse(text) as LockOwner;
    return typeof o.pid === 'number' ? o : undefined;
  } catch {
    return undefined;
  }
}

type OwnerState = 'running' | 'gone' | 'pid reused' | 'this process' | 'on another host';

function ownerState(o: LockOwner, lockFile: string): OwnerState {
  if (o.host && o.host !== hostname()) return 'on another host';
  if (o.pid === process.pid) return held.has(lockFile) ? 'this process' : 'pid reused';
  if (!alive(o.pid)) return 'gone';
  const started = processStart(o.pid);
  // The live process started well after the lock was written: it is not the owner.
  if (o.startedAt !== undefined && started !== undefined && Math.abs(started - o.startedAt) > 2_000) return 'pid reused';
  return 'running';
}

function describeOwner(o: LockOwner, state: OwnerState): string {
  const parts = [state === 'running' ? 'still running' : state];
  if (o.startedAt) parts.push(`started ${new Date(o.startedAt).toISOString()}`);
  if (o.host) parts.push(`on ${o.host}`);
  if (o.command) parts.push(`command: ${o.command}`);
  return `process ${o.pid} (${parts.join(', ')})`;
}

export async function lockDirectory(lockFile: string, waitMs: number): Promise<() => void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      // Write the owner first, then link it into place: the lock appears with its owner in one step.
      const tmp = `${lockFile}.${process.pid}`;
      const me: LockOwner = {
        pid: process.pid,
        host: hostname(),
        startedAt: processStart(process.pid) ?? Math.round(Date.now() - process.uptime() * 1000),
        command: process.argv.slice(1).join(' ').slice(0, 200),
      };
      writeFileSync(tmp, JSON.stringify(me));
      try {
        linkSync(tmp, lockFile);
      } finally {
        rmSync(tmp, { force: true });
      }
      held.add(lockFile);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        held.delete(lockFile);
        rmSync(lockFile, { force: true });
        // A service (or a test process) opens many embedded databases: no listener per open stays behind.
        process.removeListener('exit', release);
      };
      process.once('exit', release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let owner: LockOwner | undefined;
      let age = 0;
      try {
        owner = readOwner(lockFile);
        age = Date.now() - statSync(lockFile).mtimeMs;
      } catch {
        continue; // released meanwhile
      }
      // An empty file is a lock being written right now: not stale yet.
      const state = owner ? ownerState(owner, lockFile) : age > 5_000 ? 'gone' : 'running';
      if (state === 'gone' || state === 'pid reused') {
        rmSync(lockFile, { force: true });
        continue;
      }
      if (state === 'this process') {
        throw new DatabaseError(`the embedded database (${lockFile}) is already open in this process`, { hint: 'Close the first handle before opening it again.' });
      }
      if (Date.now() >= deadline) {
        const who = owner ? describeOwner(owner, state) : 'a process that has not written its pid yet';
        throw new DatabaseError(`the embedded database is locked by ${who}; gave up after ${waitMs} ms (lock file ${lockFile})`, {
          hint: `Wait for that process to finish, or stop it. If it is not a finbrain command using this database, the lock is stale: delete ${lockFile} and run again.`,
        });
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
