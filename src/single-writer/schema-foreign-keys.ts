import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { migrationInputs } from './migration-inputs.js';
import { foreignKeyActions, type ForeignKeyAction } from '../sql/index.js';
import { readRevisionFilesSync } from '../revisions/revision-folder.js';
import { RevisionGraph } from '../revisions/revision-graph.js';
import { sectionSql } from '../revisions/revision-sql.js';
import type { RevisionFile } from '../revisions/revision-file.js';
import type { DeleteAction } from './sinks/delete-actions.js';

/**
 * The foreign keys the project's own migrations make, with their delete actions, so that a
 * plain `DELETE FROM users` (pg, Knex, Kysely, slonik…) is said to delete the protected rows
 * that `REFERENCES users ON DELETE CASCADE` takes with it. Read from the up sections of the
 * revision chain in order, once per run and only when a delete is judged; the ORMs that declare
 * their schema in code (Prisma, TypeORM, drizzle, Sequelize) say the same from their own schema.
 */
export class SchemaForeignKeys {
  private read?: SchemaKey[];
  private readonly dir: string | undefined;

  constructor(
    private readonly root: string,
    migrationsDir: string | undefined,
  ) {
    this.dir = migrationsDir ? resolve(root, migrationsDir) : undefined;
  }

  /** The revision files (absolute): what a cached result depends on, whether or not a delete asked. */
  inputs(): string[] {
    return migrationInputs(this.root, this.dir);
  }

  actions(): DeleteAction[] {
    return this.keys().filter((k): k is DeleteAction => k.action === 'cascade' || k.action === 'set null' || k.action === 'set default');
  }

  /**
   * What `TRUNCATE <table> CASCADE` also empties: every table whose foreign keys reference it,
   * transitively, whatever their delete action. With the path, for the message.
   */
  truncatedWith(table: string): { table: string; path: string }[] {
    const out: { table: string; path: string }[] = [];
    const seen = new Set([table]);
    const walk = (parent: string, path: string): void => {
      for (const k of this.keys()) {
        if (k.parent !== parent || seen.has(k.child)) continue;
        seen.add(k.child);
        const step = `${path} → ${k.label}`;
        out.push({ table: k.child, path: step });
        walk(k.child, step);
      }
    };
    walk(table, table);
    return out;
  }

  private keys(): SchemaKey[] {
    return (this.read ??= this.load());
  }

  private load(): SchemaKey[] {
    if (!this.dir || !existsSync(this.dir)) return [];
    let files: RevisionFile[];
    try {
      files = readRevisionFilesSync(this.dir, this.root);
    } catch {
      // A folder `migrate` itself refuses (another tool's, a revision it cannot run) says nothing reliable about the schema.
      return [];
    }
    let ordered = files;
    try {
      ordered = new RevisionGraph(files).order;
    } catch {
      // A broken chain (duplicate ids, an unknown parent): file-name order is the best reading left.
    }
    const texts = ordered.flatMap((f) => {
      const up = sectionSql(f, 'up');
      return up.kind === 'sql' ? [{ sql: up.sql, source: f.relPath }] : [];
    });
    return foreignKeyActions(texts).map((k) => {
      const name = (t: { table: string; schema?: string }) => (t.schema && t.schema !== 'public' ? `${t.schema}.${t.table}` : t.table);
      const child = name(k.child);
      return {
        parent: name(k.parent),
        child,
        action: k.action,
        label: `${child}(${k.columns.join(', ')}) ON DELETE ${k.action.toUpperCase()}${k.source ? ` in ${k.source}` : ''}`,
      };
    });
  }
}

/** One foreign key of the schema, whatever its delete action. */
interface SchemaKey extends Omit<DeleteAction, 'action'> {
  action: ForeignKeyAction['action'];
}
