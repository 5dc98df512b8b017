import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { onTestFinished } from 'vitest';

const created = new Set<string>();

/**
 * A temp directory populated from a map of relative paths to contents. It is
 * removed when the test that made it finishes, or (made outside a test, e.g.
 * in beforeAll) after its test file (test/setup/remove-temp-trees.ts).
 */
export function makeTree(files: Record<string, string>, prefix = 'finbrain-'): string {
  const dir = tempDir(prefix);
  writeTree(dir, files);
  return dir;
}

/** An empty temp directory with the same clean-up as makeTree. */
export function tempDir(prefix = 'finbrain-'): string {
  const dir = fileTempDir(prefix);
  try {
    onTestFinished(() => removeTree(dir));
  } catch {
    // Not inside a test: removed after the file.
  }
  return dir;
}

/** A temp directory that outlives the test making it: removed after its test file (a template tests copy). */
export function fileTempDir(prefix = 'finbrain-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.add(dir);
  return dir;
}

/** Removes every tree this test file made and has not removed yet. */
export function removeAllTrees(): void {
  for (const dir of created) removeTree(dir);
}

export function writeTree(dir: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
}

export function removeTree(dir: string): void {
  created.delete(dir);
  rmSync(dir, { recursive: true, force: true });
}

/** Runs git in `cwd` with a fixed identity unless one is given. */
export function git(cwd: string, args: string[], author = { name: 'Test Author', email: 'test@example.com' }): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: author.name,
      GIT_AUTHOR_EMAIL: author.email,
      GIT_COMMITTER_NAME: author.name,
      GIT_COMMITTER_EMAIL: author.email,
    },
  });
}
