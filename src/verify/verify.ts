import { openPgDb } from '../db/pg-db.js';
import { openPgliteDb } from '../db/pglite-db.js';
import type { Db } from '../db/types.js';
import { migrateDown, migrateUp } from '../migrate/engine.js';
import { ledgerNames } from '../migrate/ledger.js';
import { describeDatabaseUrl } from '../masking/mask-passwords.js';
import { loadProject, type ProjectOptions } from '../revisions/project.js';
import { createScratchDatabase } from './scratch-database.js';
import { diffSnapshots, snapshotSchema } from './schema-snapshot.js';

export interface VerifyOptions extends ProjectOptions {
  /** A real server to create (and drop) a scratch database on; default: in-memory PGlite. */
  databaseUrl?: string;
  strict?: boolean;
  onRevision?: (r: VerifyStep) => void;
}

export interface VerifyStep {
  revision: string;
  summary: string;
  file: string;
  status: 'ok' | 'irreversible' | 'down-mismatch' | 'reup-mismatch';
  /** Schema lines: `-` expected but missing, `+` present but unexpected. */
  diff?: string[];
}

export interface VerifyResult {
  database: string;
  steps: VerifyStep[];
  ok: boolean;
  firstFailure?: string;
}

async function scratchDatabase(url: string): Promise<{ db: Db; label: string; drop(): Promise<void> }> {
  const scratch = await createScratchDatabase(url, 'finbrain_verify');
  const db = await openPgDb(scratch.url).catch(async (e) => {
    await scratch.drop();
    throw e;
  });
  return {
    db,
    label: `scratch database ${scratch.name} on ${describeDatabaseUrl(url)}`,
    async drop() {
      await db.close();
      await scratch.drop();
    },
  };
}

/**
 * The stairway: for each revision from base to head, up (snapshot), down (must
 * equal the schema before), up again (must equal the first up). Nothing but a
 * scratch database is touched.
 */
export async function migrateVerify(o: VerifyOptions = {}): Promise<VerifyResult> {
  const project = await loadProject(o);
  const scratch = o.databaseUrl
    ? await scratchDatabase(o.databaseUrl)
    : await openPgliteDb('memory://').then((db) => ({ db, label: 'in-memory PGlite', drop: () => db.close() }));
  const ledger = ledgerNames(project.config.migrate.ledgerTable);
  const skip = [ledger.table, ledger.events];
  const steps: VerifyStep[] = [];
  const common = { project, db: scratch.db };
  try {
    let before = await snapshotSchema(scratch.db, skip);
    for (const f of project.graph.order) {
      const step = (status: VerifyStep['status'], diff?: string[]): VerifyStep => ({ revision: f.revision, summary: f.summary, file: f.relPath, status, ...(diff ? { diff } : {}) });
      await migrateUp({ ...common, to: f.revision });
      const afterUp = await snapshotSchema(scratch.db, skip);
      if (!f.reversible) {
        steps.push(step('irreversible'));
        o.onRevision?.(steps.at(-1)!);
        if (o.strict) break;
        before = afterUp;
        continue;
      }
      await migrateDown({ ...common, steps: 1 });
      const afterDown = await snapshotSchema(scratch.db, skip);
      const downDiff = diffSnapshots(before, afterDown);
      if (downDiff.length) {
        steps.push(step('down-mismatch', downDiff));
        o.onRevision?.(steps.at(-1)!);
        break;
      }
      await migrateUp({ ...common, to: f.revision });
      const again = await snapshotSchema(scratch.db, skip);
      const reupDiff = diffSnapshots(afterUp, again);
      steps.push(reupDiff.length ? step('reup-mismatch', reupDiff) : step('ok'));
      o.onRevision?.(steps.at(-1)!);
      if (reupDiff.length) break;
      before = again;
    }
  } finally {
    await scratch.drop();
  }
  const failure = steps.find((s) => s.status === 'down-mismatch' || s.status === 'reup-mismatch' || (o.strict && s.status === 'irreversible'));
  return { database: scratch.label, steps, ok: !failure, firstFailure: failure?.revision };
}
