import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The files of a project, read at most once per process and shared by every
 * check of a `check all` run.
 */
export class ProjectFiles {
  private readonly texts = new Map<string, string | undefined>();
  private tracked?: Promise<string[] | undefined>;

  constructor(readonly root: string) {}

  /** File content by POSIX path relative to the root, read once; undefined when unreadable. Synchronous: analyzers walk imports synchronously. */
  readSync(relPath: string): string | undefined {
    if (this.texts.has(relPath)) return this.texts.get(relPath);
    let text: string | undefined;
    this.diskReads++;
    try {
      text = readFileSync(join(this.root, relPath), 'utf8');
    } catch {
      text = undefined;
    }
    this.texts.set(relPath, text);
    return text;
  }

  private readonly memo = new Map<string, unknown>();
  /** Reads that went to the disk: equal to the distinct files when nothing is read twice. */
  diskReads = 0;

  /** One instance per run of something several checks build (e.g. the parsed module index). */
  shared<T>(key: string, make: () => T): T {
    if (!this.memo.has(key)) this.memo.set(key, make());
    return this.memo.get(key) as T;
  }

  /** Files staged in the index (added, copied, modified, renamed), relative and POSIX. */
  gitStaged(): Promise<string[]> {
    return run('git', ['diff', '--cached', '--name-only', '-z', '--diff-filter=ACMR'], { cwd: this.root, maxBuffer: 64 * 1024 * 1024 })
      .then(({ stdout }) => stdout.split('\0').filter(Boolean))
      .catch(() => []);
  }

  /** How many distinct files were read: the benchmark checks no file is read twice. */
  get readCount(): number {
    return this.texts.size;
  }

  /** Files git tracks (relative, POSIX), or undefined outside a git work tree. */
  gitTracked(): Promise<string[] | undefined> {
    this.tracked ??= run('git', ['ls-files', '-z', '--cached'], { cwd: this.root, maxBuffer: 256 * 1024 * 1024 })
      .then(({ stdout }) => stdout.split('\0').filter(Boolean))
      .catch(() => undefined);
    return this.tracked;
  }
}
