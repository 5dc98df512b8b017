import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { RevisionError, UsageError } from '../errors.js';
import type { MigrateCommonOptions } from './engine.js';
import { loadProject } from './project.js';

export interface NewRevisionOptions extends MigrateCommonOptions {
  message: string;
  format?: 'sql' | 'ts';
  transaction?: boolean;
  /** Parents; default: the single current head. */
  parents?: string[];
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

export function revisionTemplate(o: { id: string; parents: string[]; message: string; date: string; format: 'sql' | 'ts'; transaction: boolean }): string {
  const fields = [`Revision ID: ${o.id}`, `Revises: ${o.parents.join(', ')}`, `Create Date: ${o.date}`];
  if (!o.transaction) fields.push('Transaction: false');
  if (o.format === 'sql') {
    return `-- ${o.message}\n--\n${fields.map((l) => `-- ${l}`).join('\n')}\n\n-- migrate:up\n\n\n-- migrate:down\n\n`;
  }
  return `/**\n * ${o.message}\n *\n${fields.map((l) => ` * ${l}`).join('\n')}\n */\nimport type { MigrationContext } from 'finbrain';\n\nexport async function up(ctx: MigrationContext): Promise<void> {\n  await ctx.query('SELECT 1');\n}\n\nexport async function down(ctx: MigrationContext): Promise<void> {\n  await ctx.query('SELECT 1');\n}\n`;
}

export async function migrateNew(o: NewRevisionOptions): Promise<NewRevisionResult> {
  if (!o.message?.trim()) throw new UsageError('a message is required', { hint: 'e.g. finbrain migrate new "add expense notes"' });
  const project = o.project ?? (await loadProject(o));
  const { graph, migrationsDir, root } = project;
  let parents = o.parents;
  if (!parents) {
    const heads = graph.heads();
    if (heads.length > 1) {
      throw new RevisionError(`there are ${heads.length} heads (${heads.join(', ')}); a new revision needs one parent`, {
        hint: 'Run `finbrain migrate merge` first.',
      });
    }
    parents = heads;
  }
  const id = newRevisionId();
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
