import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { spawnCli } from '../helpers/cli.js';
import { chain } from '../helpers/revisions.js';
import { makeTree } from '../helpers/tmp.js';

const noDb = { DATABASE_URL: undefined, NODE_ENV: undefined };

/** A live process that has nothing to do with finbrain. */
function unrelatedProcess(): number {
  const child = spawn('sleep', ['120'], { stdio: 'ignore' });
  onTestFinished(() => void child.kill());
  return child.pid!;
}

function projectWithLock(content: string, config: object = {}): { dir: string; lock: string } {
  const dir = makeTree({ ...chain(['a1']), 'finbrain.config.json': JSON.stringify(config) });
  mkdirSync(join(dir, '.finbrain'), { recursive: true });
  const lock = join(dir, '.finbrain', 'pglite.lock');
  writeFileSync(lock, content);
  return { dir, lock };
}

describe('the embedded database lock file', () => {
  it('takes over a lock whose pid now belongs to a live, unrelated process that started later', async () => {
    const pid = unrelatedProcess();
    const { dir, lock } = projectWithLock(JSON.stringify({ pid, host: hostname(), startedAt: Date.now() - 3_600_000, command: 'finbrain migrate up' }));
    const r = await spawnCli(['migrate', 'up', '--json'], { cwd: dir, env: noDb });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).steps.map((s: { revision: string }) => s.revision)).toEqual(['a1']);
    expect(existsSync(lock)).toBe(false);
  });

  it('takes over a lock whose process is gone', async () => {
    const { dir } = projectWithLock(JSON.stringify({ pid: 2 ** 22 - 7, host: hostname(), startedAt: Date.now() }));
    expect((await spawnCli(['migrate', 'up'], { cwd: dir, env: noDb })).code).toBe(0);
  });

  it('waits for a live owner, then names it (pid, running, command) and how to clear a stale lock, without blaming itself', async () => {
    const pid = unrelatedProcess();
    // An old-style lock file holds only a pid: whether it is a finbrain process cannot be told, so it is waited for.
    const { dir, lock } = projectWithLock(String(pid), { migrate: { lockWaitMs: 300 } });
    const r = await spawnCli(['migrate', 'up'], { cwd: dir, env: noDb });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`the embedded database is locked by process ${pid} \\(still running\\); gave up after 300 ms`));
    expect(r.stderr).toContain(`delete ${lock}`);
    expect(r.stderr).not.toMatch(/this process/);
    expect(existsSync(lock)).toBe(true);
  });
});
