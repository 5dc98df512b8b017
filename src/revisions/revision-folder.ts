import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { RevisionError } from '../errors.js';
import { parseRevisionFile, REVISION_FILE, revisionIdOf, type RevisionFile } from './revision-file.js';

/**
 * A migrations folder read as revisions: which files are revisions, which are refused by name,
 * and a folder that belongs to another tool. Each file is parsed by the one revision parser
 * (revision-file.ts).
 */

/** Files a migrations folder may hold besides revisions: documentation. */
const NOT_REVISIONS = new Set(['.md', '.txt', '.rst']);

/**
 * Reads every revision file in a directory (not recursive). Subfolders,
 * dotfiles, `.d.ts` and documentation are left alone; any other file that is
 * not `.sql` or `.ts` (a `.js` or `.mjs` revision, say) is refused by name,
 * never silently skipped. Throws ENOENT when the directory does not exist.
 */
export async function readRevisionFiles(dir: string, root = process.cwd()): Promise<RevisionFile[]> {
  return readRevisionFilesSync(dir, root);
}

/** The same, for a caller that cannot wait (the single-writer analysis reads the schema's foreign keys mid-walk). */
export function readRevisionFilesSync(dir: string, root = process.cwd()): RevisionFile[] {
  const entries = readdirSync(dir, { withFileTypes: true }).filter((e) => !e.isDirectory() && !e.name.startsWith('.'));
  const names = entries.map((e) => e.name).filter((n) => !n.endsWith('.d.ts') && !NOT_REVISIONS.has(extname(n).toLowerCase()));
  const relDir = relative(root, dir).split(sep).join('/');
  // Synchronous reads: for a thousand small files they beat a thousand
  // open/fstat/read/close promise chains, and status must start fast.
  const contents = new Map(names.filter((n) => /\.(sql|ts)$/.test(n)).map((n) => [n, readFileSync(join(dir, n), 'utf8')]));
  refuseForeignFolder(relDir || '.', names, contents);
  const unsupported = names.filter((n) => !/\.(sql|ts)$/.test(n));
  if (unsupported.length) {
    const rel = unsupported.map((n) => relative(root, join(dir, n)).split(sep).join('/'));
    throw new RevisionError(`${rel.join(', ')}: not a revision file finbrain can run (revisions are .sql or .ts; ${[...new Set(unsupported.map((n) => extname(n) || 'no extension'))].join(', ')} is not run)`, {
      files: rel,
      hint: 'Rewrite it as an .sql or .ts revision (a .ts revision runs through tsx, no build step), or move it out of the migrations folder.',
    });
  }
  return names.sort().map((n) => parseRevisionFile(join(dir, n), contents.get(n)!, root));
}

/**
 * A folder with files and not one finbrain revision among them is another tool's migrations
 * folder (TypeORM's `1595972968832-create-user.ts`, Knex's `…_create_users.js`, a Kysely
 * or node-pg-migrate folder) at finbrain's default path. "Rename it" would break that tool:
 * say what the folder looks like and how to give finbrain its own.
 */
function refuseForeignFolder(relDir: string, names: string[], contents: ReadonlyMap<string, string>): void {
  if (!names.length) return;
  const named = names.filter((n) => REVISION_FILE.test(n));
  const headed = named.some((n) => revisionIdOf(n, contents.get(n) ?? '') !== undefined);
  // One finbrain-named file without its header is a revision being written: its own error says what is missing.
  if (headed || (named.length > 0 && names.length === 1)) return;
  const shown = names.slice(0, 3).map((n) => `\`${n}\``).join(', ');
  const count = names.length === 1 ? 'its one file is not a finbrain revision' : `none of its ${names.length} files is a finbrain revision`;
  throw new RevisionError(`${relDir}/: ${count} (${shown}${names.length > 3 ? ', …' : ''}); it looks like another tool's migrations folder`, {
    files: names.map((n) => (relDir === '.' ? n : `${relDir}/${n}`)),
    hint: 'Leave it to its tool and give finbrain a folder of its own: set "migrationsDir" in finbrain.config.json (e.g. "db/revisions"; `npx finbrain init --migrations-dir db/revisions` writes it). To start from those migrations, write finbrain revisions for them there (README, "Revision files").',
  });
}
