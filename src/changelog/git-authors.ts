import { execFile } from 'node:child_process';
import { relative, resolve, sep } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface GitAuthors {
  /** Adding author by path relative to the project root (POSIX). */
  authors: Map<string, string>;
  warnings: string[];
}

/**
 * The author of the commit that ADDED each file, following renames, from ONE
 * `git log -M --name-status` pass over the migrations directory (changesets
 * runs one `git log --follow` per file instead). Newest to oldest, a rename
 * points the current path at its old path, and the first add of the old path
 * met on the way back is the file's origin.
 */
export async function gitAddingAuthors(root: string, migrationsDir: string, files: string[]): Promise<GitAuthors> {
  const warnings: string[] = [];
  let top: string;
  let shallow: boolean;
  try {
    const { stdout } = await run('git', ['rev-parse', '--show-toplevel', '--is-shallow-repository'], { cwd: root });
    const [t, s] = stdout.trim().split('\n');
    top = t!;
    shallow = s === 'true';
  } catch {
    warnings.push(`${root} is not in a git repository: revisions without an \`Author:\` field get author "unknown". Fix: add \`Author:\` to their headers, or run inside the git clone.`);
    return { authors: new Map(), warnings };
  }
  if (shallow) {
    warnings.push(
      'this is a shallow clone: revisions added before its oldest commit get the wrong or no author. Fix: `git fetch --unshallow`, or in GitHub Actions `actions/checkout` with `fetch-depth: 0`.',
    );
  }
  const toTop = (p: string) => relative(top, resolve(root, p)).split(sep).join('/');
  // pending: path as it was at the commit being read → current path.
  const pending = new Map(files.map((f) => [toTop(f), f]));
  const authors = new Map<string, string>();
  let stdout = '';
  try {
    ({ stdout } = await run('git', ['log', '-M', '--name-status', '--diff-filter=AR', '--format=%x00%an', '--', toTop(migrationsDir) || '.'], {
      cwd: top,
      maxBuffer: 512 * 1024 * 1024,
    }));
  } catch (e) {
    // A repository without commits has no history yet.
    if (!/does not have any commits|bad default revision/i.test(String((e as { stderr?: string }).stderr ?? e))) throw e;
  }
  for (const block of stdout.split('\0')) {
    if (!block) continue;
    const lines = block.split('\n');
    const author = lines[0]!.trim();
    for (const line of lines.slice(1)) {
      if (!line) continue;
      const [status, a, b] = line.split('\t');
      if (status!.startsWith('R') && b !== undefined) {
        const current = pending.get(b);
        if (current !== undefined) {
          pending.delete(b);
          pending.set(a!, current);
        }
      } else if (status === 'A') {
        const current = pending.get(a!);
        if (current !== undefined) {
          pending.delete(a!);
          authors.set(current, author);
        }
      }
    }
  }
  const uncommitted = [...pending.values()].filter((f) => !authors.has(f));
  if (uncommitted.length && !shallow) {
    warnings.push(`no commit adds ${uncommitted.join(', ')} yet: author "unknown" until it is committed (or give it an \`Author:\` field).`);
  }
  return { authors, warnings };
}
