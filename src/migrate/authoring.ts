import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { RevisionError, UsageError } from '../errors.js';
import { loadProject } from '../revisions/project.js';
import type { MigrateCommonOptions } from './session.js';

export interface NewRevisionOptions extends MigrateCommonOptions {
  message: string;
  format?: 'sql' | 'ts';
  transaction?: boolean;
  /** Parents; default: the single current head. */
  parents?: string[];
  /** --head <rev>: the parent, when it is not the single head (a second head starts there). */
  head?: string;
  /** --rev-id <id>: the revision id instead of a random one (e.g. the id it had under Alembic). */
  revId?: string;
  now?: Date;
}

export interface NewRevisionResult {
  revision: string;
  parents: string[];
  file: string;
}

/** Alembic's Create Date format: `2025-09-14 06:01:28.658532` (UTC). */
export function alembicDate(d: Date): string {
  const iso = d.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000`;
}

export function newRevisionId(): string {
  return randomBytes(6).toString('hex');
}

function slugify(message: string): string {
  const slug = message
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 60);
  return slug || 'revision';
}

/**
 * A new revision's file. Both sections start empty, with a comment saying what
 * goes there: `up` refuses an empty up, and an empty down makes the revision
 * irreversible (`down` refuses to pass it), so an unfilled template can never
 * be mistaken for a working one.
 */
export function revisionTemplate(o: { id: string; parents: string[]; message: string; date: string; format: 'sql' | 'ts'; transaction: boolean }): string {
  const fields = [`Revision ID: ${o.id}`, `Revises: ${o.parents.join(', ')}`, `Create Date: ${o.date}`];
  if (!o.transaction) fields.push('Transaction: false');
  if (o.format === 'sql') {
    return (
      `-- ${o.message}\n--\n${fields.map((l) => `-- ${l}`).join('\n')}\n\n` +
      '-- migrate:up\n-- Write the SQL that applies this revision. While this section is empty, `finbrain migrate up` refuses to run it.\n\n' +
      '-- migrate:down\n-- Write the SQL that reverts it. While this section is empty the revision is irreversible: `finbrain migrate down` refuses to pass it.\n'
    );
  }
  return (
    `/**\n * ${o.message}\n *\n${fields.map((l) => ` * ${l}`).join('\n')}\n */\nimport type { MigrationContext } from 'finbrain';\n\n` +
    'export async function up(ctx: MigrationContext): Promise<void> {\n  // The statements that apply this revision, e.g. await ctx.query(\'…\'). While this is empty, `migrate up` refuses to run it.\n}\n\n' +
    'export async function down(ctx: MigrationContext): Promise<void> {\n  // The statements that revert it. While this is empty the revision is irreversible: `migrate down` refuses to pass it.\n}\n'
  );
}

export async function migrateNew(o: NewRevisionOptions): Promise<NewRevisionResult> {
  if (!o.message?.trim()) throw new UsageError('a message is required', { hint: 'e.g. finbrain migrate new "add expense notes"' });
  const project = o.project ?? (await loadProject({ ...o, allowMissingDir: true }));
  const { graph, migrationsDir, root } = project;
  let parents = o.parents;
  if (o.head !== undefined) {
    const h = graph.resolve(o.head, '--head');
    parents = h === 'base' ? [] : [h];
  }
  if (!parents) {
    const heads = graph.heads();
    if (heads.length > 1) {
      throw new RevisionError(`there are ${heads.length} heads (${heads.join(', ')}); a new revision needs one parent`, {
        hint: 'Run `finbrain migrate merge` first, or pick the parent with --head <rev> (a second head starts there).',
      });
    }
    parents = heads;
  }
  if (o.revId !== undefined) {
    if (!/^[0-9A-Za-z_]+$/.test(o.revId)) throw new UsageError(`--rev-id "${o.revId}" is not a revision id`, { hint: 'Use letters, digits and underscores only.' });
    const taken = graph.get(o.revId);
    if (taken) throw new RevisionError(`revision ${o.revId} already exists (${taken.relPath})`, { files: [taken.relPath], hint: 'Pick another --rev-id, or leave it out for a fresh one.' });
  }
  const id = o.revId ?? newRevisionId();
  const format = o.format ?? 'sql';
  const path = join(migrationsDir, `${id}_${slugify(o.message)}.${format}`);
  mkdirSync(migrationsDir, { recursive: true });
  if (existsSync(path)) throw new RevisionError(`${path} already exists`, { hint: 'Run the command again for a fresh id.' });
  writeFileSync(
    path,
    revisionTemplate({ id, parents, message: o.message.trim(), date: alembicDate(o.now ?? new Date()), format, transaction: o.transaction ?? true }),
  );
  return { revision: id, parents, file: relative(root, path).split(sep).join('/') };
}

export async function migrateMerge(o: MigrateCommonOptions & { revisions?: string[]; message?: string }): Promise<NewRevisionResult> {
  const project = o.project ?? (await loadProject(o));
  const parents = o.revisions?.length ? o.revisions.map((r) => project.graph.resolve(r, 'merge')) : project.graph.heads();
  if (parents.length < 2 || parents.includes('base')) {
    throw new RevisionError(`nothing to merge: ${parents.length} head(s)`, { hint: 'merge joins two or more heads; see `finbrain migrate heads`.' });
  }
  return migrateNew({ ...o, project, message: o.message ?? `merge ${parents.join(' and ')}`, parents: parents as string[] });
}
