import { DatabaseError, RevisionError, UsageError } from '../errors.js';
import type { MigrateCommonOptions } from './engine.js';
import { readLedger, recordApplySql, sqlLiteral } from './ledger.js';
import { loadProject } from './project.js';
import { openSession } from './session.js';
import { computeState } from './state.js';

export interface StampResult {
  database: string;
  added: string[];
  removed: string[];
  current: string[];
}

const noop = () => {};

/**
 * Records revisions as applied (or not) without running any SQL: afterwards
 * exactly `target` and its ancestors are in the ledger (`base` empties it).
 */
export async function migrateStamp(o: MigrateCommonOptions & { target: string; mode?: 'stamp' | 'adopt' }): Promise<StampResult> {
  const project = o.project ?? (await loadProject(o));
  const { graph } = project;
  const resolved = o.target.split(',').map((t) => graph.resolve(t.trim(), 'stamp'));
  const session = await openSession({ project, db: o.db, url: o.url, emit: o.onEvent ?? noop, write: true });
  try {
    const keep = new Set<string>();
    for (const r of resolved) if (r !== 'base') for (const a of graph.ancestors(r)) keep.add(a);
    const state = computeState(graph, await readLedger(session.db, session.ledger));
    const added = graph.order.filter((f) => keep.has(f.revision) && !state.applied.has(f.revision));
    const removed = [...state.applied.keys()].filter((r) => !keep.has(r));
    const mode = o.mode ?? 'stamp';
    const sql = [
      'BEGIN;',
      ...added.map((f) =>
        recordApplySql(session.ledger, { revision: f.revision, parents: f.parents, file: f.relPath, checksum: f.checksum, durationMs: 0, mode, direction: mode }),
      ),
      ...removed.map(
        (r) =>
          `DELETE FROM ${session.ledger.table} WHERE revision = ${sqlLiteral(r)};\nINSERT INTO ${session.ledger.events} (revision, direction, outcome, actor) VALUES (${sqlLiteral(r)}, 'unstamp', 'ok', current_user);`,
      ),
      'COMMIT;',
    ].join('\n');
    await session.db.exec(sql);
    const after = computeState(graph, await readLedger(session.db, session.ledger));
    return { database: session.db.label, added: added.map((f) => f.revision), removed, current: after.current };
  } finally {
    await session.close();
  }
}

/**
 * Takes over a database Alembic managed: its `alembic_version` rows must name
 * revisions of our chain; the ledger is filled up to them and no SQL runs.
 */
export async function migrateAdopt(o: MigrateCommonOptions & { versionTable?: string }): Promise<StampResult & { alembicVersions: string[] }> {
  const project = o.project ?? (await loadProject(o));
  const table = o.versionTable ?? 'alembic_version';
  if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/.test(table)) {
    throw new UsageError(`--version-table "${table}" is not a table name`, { hint: 'Use e.g. alembic_version or myschema.alembic_version.' });
  }
  const session = await openSession({ project, db: o.db, url: o.url, emit: o.onEvent ?? noop, write: false });
  let versions: string[];
  try {
    const exists = await session.db.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [table]);
    if (!exists.rows[0]?.t) {
      throw new RevisionError(`no ${table} table in ${session.db.label}: this database was not managed by Alembic`, {
        hint: 'Point DATABASE_URL at the Alembic-managed database, or use `finbrain migrate stamp <rev>`.',
      });
    }
    // finbrain-ignore security/sql-injection: the table name was checked against an identifier pattern above
    versions = (await session.db.query<{ v: string }>(`SELECT version_num AS v FROM ${table} ORDER BY 1`)).rows.map((r) => r.v);
    const rows = await readLedger(session.db, session.ledger).catch((e) => {
      throw new DatabaseError(`cannot read the ledger: ${(e as Error).message}`, { cause: e });
    });
    if (rows.length) {
      throw new RevisionError(`the ledger ${session.ledger.table} already has ${rows.length} revision(s); adopt only takes over a database finbrain has never run on`, {
        hint: 'Use `finbrain migrate status` to see its state, or `finbrain migrate stamp <rev>` to correct it.',
      });
    }
  } finally {
    await session.close();
  }
  if (!versions.length) throw new RevisionError(`${table} is empty: Alembic never applied a revision here`, { hint: 'Run `finbrain migrate up` instead.' });
  for (const v of versions) {
    if (!project.graph.get(v)) {
      throw new RevisionError(`${table} names revision ${v}, which is not in ${project.config.migrationsDir}/`, {
        hint: 'Add the revision files from the Alembic project (same Revision IDs) before adopting.',
      });
    }
  }
  const result = await migrateStamp({ ...o, project, target: versions.join(','), mode: 'adopt' });
  return { ...result, alembicVersions: versions };
}
