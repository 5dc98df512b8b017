import type { MigrateCommonOptions } from './engine.js';
import { readLedger } from './ledger.js';
import { loadProject } from './project.js';
import { openSession } from './session.js';
import { computeState, planUp } from './state.js';

export interface StatusResult {
  database: string;
  /** Applied head ids (the applied revisions none of whose children are applied). */
  current: string[];
  heads: string[];
  applied: { revision: string; appliedAt: string; durationMs: number; appliedBy: string; executionMode: string; file: string }[];
  /** Pending ids in run order. */
  pending: string[];
  /** Revisions whose file changed after they were applied. */
  drift: string[];
  /** Ledger rows without a file. */
  unknown: { revision: string; file: string }[];
  /** Warnings to show (INVALID indexes, …). */
  warnings: string[];
}

const noop = () => {};

export async function migrateStatus(o: MigrateCommonOptions = {}): Promise<StatusResult> {
  const project = o.project ?? (await loadProject(o));
  const session = await openSession({ project, db: o.db, url: o.url, emit: o.onEvent ?? noop, write: false });
  try {
    const { graph } = project;
    const rows = await readLedger(session.db, session.ledger);
    const state = computeState(graph, rows);
    const heads = graph.heads();
    const warnings: string[] = [];
    const invalid = await session.db
      .query<{ name: string; tbl: string }>(
        `SELECT n.nspname || '.' || c.relname AS name, t.relname AS tbl FROM pg_index i
         JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE NOT i.indisvalid AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
      )
      .catch(() => ({ rows: [] as { name: string; tbl: string }[] }));
    for (const r of invalid.rows) {
      warnings.push(`INVALID index ${r.name} on ${r.tbl}: a concurrent build died; drop it (DROP INDEX CONCURRENTLY) and rebuild`);
    }
    if (heads.length > 1) warnings.push(`${heads.length} heads (${heads.join(', ')}): run \`finbrain migrate merge\``);
    return {
      database: session.db.label,
      current: state.current,
      heads,
      applied: graph.order
        .filter((f) => state.applied.has(f.revision))
        .map((f) => state.applied.get(f.revision)!)
        .concat(state.unknown)
        .map((r) => ({ revision: r.revision, appliedAt: r.appliedAt, durationMs: r.durationMs, appliedBy: r.appliedBy, executionMode: r.executionMode, file: r.file })),
      pending: planUp(graph, state),
      drift: state.drift,
      unknown: state.unknown.map((u) => ({ revision: u.revision, file: u.file })),
      warnings,
    };
  } finally {
    await session.close();
  }
}

export interface HistoryEntry {
  revision: string;
  parents: string[];
  summary: string;
  file: string;
  createDate?: string;
  isHead: boolean;
  isBase: boolean;
  isMerge: boolean;
  /** Only when a database was consulted. */
  applied?: boolean;
}

/** Newest first along the chain, Alembic-like. Reads files only; no database. */
export async function migrateHistory(o: MigrateCommonOptions = {}): Promise<{ revisions: HistoryEntry[] }> {
  const project = o.project ?? (await loadProject(o));
  const { graph } = project;
  const heads = new Set(graph.heads());
  return {
    revisions: [...graph.order].reverse().map((f) => ({
      revision: f.revision,
      parents: f.parents,
      summary: f.summary,
      file: f.relPath,
      createDate: f.createDate,
      isHead: heads.has(f.revision),
      isBase: f.parents.length === 0,
      isMerge: f.parents.length > 1,
    })),
  };
}

export async function migrateHeads(o: MigrateCommonOptions = {}): Promise<{ heads: { revision: string; summary: string; file: string }[] }> {
  const project = o.project ?? (await loadProject(o));
  return {
    heads: project.graph.heads().map((h) => {
      const f = project.graph.get(h)!;
      return { revision: h, summary: f.summary, file: f.relPath };
    }),
  };
}
