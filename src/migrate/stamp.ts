import { RevisionError, UsageError } from '../errors.js';
import type { RevisionGraph } from '../revisions/revision-graph.js';
import { readLedger, recordApplySql, recordUnstampSql } from './ledger.js';
import { withSession, type MigrateCommonOptions, type Session } from './session.js';
import { computeState } from './state.js';

export interface StampResult {
  database: string;
  added: string[];
  removed: string[];
  current: string[];
}

/**
 * Makes the ledger say exactly `keep` is applied, in one transaction, running
 * no migration SQL. Added rows keep the checksum their file has now, so a
 * later edit shows as drift like any other.
 */
async function stampLedger(session: Session, graph: RevisionGraph, keep: Set<string>, mode: 'stamp' | 'adopt'): Promise<StampResult> {
  const state = computeState(graph, (await readLedger(session.db, session.ledger)).rows);
  const added = graph.order.filter((f) => keep.has(f.revision) && !state.applied.has(f.revision));
  const removed = [...state.applied.keys()].filter((r) => !keep.has(r));
  if (added.length || removed.length) {
    await session.ensureLedger();
    await session.db.exec(
      [
        'BEGIN;',
        ...added.map((f) =>
          recordApplySql(session.ledger, { revision: f.revision, parents: f.parents, file: f.relPath, checksum: f.checksum, durationMs: 0, mode, direction: mode }),
        ),
        ...removed.map((r) => recordUnstampSql(session.ledger, r)),
        'COMMIT;',
      ].join('\n'),
    );
  }
  const after = computeState(graph, (await readLedger(session.db, session.ledger)).rows);
  return { database: session.db.label, added: added.map((f) => f.revision), removed, current: after.current };
}

/**
 * Records revisions as applied (or not) without running any SQL: afterwards
 * exactly `target` and its ancestors are in the ledger (`base` empties it).
 */
export async function migrateStamp(o: MigrateCommonOptions & { target: string }): Promise<StampResult> {
  let keep = new Set<string>();
  const validate = ({ graph }: { graph: RevisionGraph }) => {
    keep = new Set<string>();
    for (const t of o.target.split(',')) {
      const r = graph.resolve(t.trim(), 'stamp');
      if (r !== 'base') for (const a of graph.ancestors(r)) keep.add(a);
    }
  };
  return withSession(o, { write: true, validate }, (session, { graph }) => stampLedger(session, graph, keep, 'stamp'));
}

/**
 * Takes over a database Alembic managed: its `alembic_version` rows must name
 * revisions of our chain; the ledger is filled up to them and no SQL runs.
 */
export async function migrateAdopt(o: MigrateCommonOptions & { versionTable?: string }): Promise<StampResult & { alembicVersions: string[] }> {
  const table = o.versionTable ?? 'alembic_version';
  if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/.test(table)) {
    throw new UsageError(`--version-table "${table}" is not a table name`, { hint: 'Use e.g. alembic_version or myschema.alembic_version.' });
  }
  return withSession(o, { write: true }, async (session, project) => {
    const exists = await session.db.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [table]);
    if (!exists.rows[0]?.t) {
      throw new RevisionError(`no ${table} table in ${session.db.label}: this database was not managed by Alembic`, {
        hint: 'Point DATABASE_URL at the Alembic-managed database, or use `finbrain migrate stamp <rev>`.',
      });
    }
    // finbrain-ignore security/sql-injection: the table name was checked against an identifier pattern above
    const versions = (await session.db.query<{ v: string }>(`SELECT version_num AS v FROM ${table} ORDER BY 1`)).rows.map((r) => r.v);
    const { rows } = await readLedger(session.db, session.ledger);
    if (rows.length) {
      throw new RevisionError(`the ledger ${session.ledger.table} already has ${rows.length} revision(s); adopt only takes over a database finbrain has never run on`, {
        hint: 'Use `finbrain migrate status` to see its state, or `finbrain migrate stamp <rev>` to correct it.',
      });
    }
    if (!versions.length) throw new RevisionError(`${table} is empty: Alembic never applied a revision here`, { hint: 'Run `finbrain migrate up` instead.' });
    const keep = new Set<string>();
    for (const v of versions) {
      if (!project.graph.get(v)) {
        throw new RevisionError(`${table} names revision ${v}, which is not in ${project.config.migrationsDir}/`, {
          hint: 'Add the revision files from the Alembic project (same Revision IDs) before adopting.',
        });
      }
      for (const a of project.graph.ancestors(v)) keep.add(a);
    }
    const result = await stampLedger(session, project.graph, keep, 'adopt');
    return { ...result, alembicVersions: versions };
  });
}
