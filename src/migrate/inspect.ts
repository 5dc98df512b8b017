import { UsageError } from '../errors.js';
import type { RevisionFile } from '../revisions/revision-file.js';
import type { RevisionGraph } from '../revisions/revision-graph.js';
import { readLedger, type LedgerRow } from './ledger.js';
import { loadProject } from '../revisions/project.js';
import { withSession, type MigrateCommonOptions } from './session.js';
import { computeState, planUp } from './state.js';

export interface StatusResult {
  database: string;
  /** Applied head ids (the applied revisions none of whose children are applied). */
  current: string[];
  heads: string[];
  applied: { revision: string; appliedAt: string; durationMs: number; appliedBy: string; executionMode: string; file: string }[];
  /** Pending ids in run order. */
  pending: string[];
  /** Revisions whose file changed after they were applied (or stamped). */
  drift: string[];
  /** Ledger rows without a file. */
  unknown: { revision: string; file: string }[];
  /** Applied revisions whose parent is not applied. */
  gaps: { revision: string; missingParents: string[] }[];
  /** Nothing pending, drifted, missing or inconsistent: what `status --check` gates on. */
  upToDate: boolean;
  /** Warnings to show (INVALID indexes, …). */
  warnings: string[];
}

export async function migrateStatus(o: MigrateCommonOptions = {}): Promise<StatusResult> {
  return withSession(o, { write: false }, async (session, { graph }) => {
    const state = computeState(graph, (await readLedger(session.db, session.ledger)).rows);
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
    const pending = planUp(graph, state.applied);
    return {
      database: session.db.label,
      current: state.current,
      heads,
      applied: graph.order
        .filter((f) => state.applied.has(f.revision))
        .map((f) => state.applied.get(f.revision)!)
        .concat(state.unknown)
        .map((r) => ({ revision: r.revision, appliedAt: r.appliedAt, durationMs: r.durationMs, appliedBy: r.appliedBy, executionMode: r.executionMode, file: r.file })),
      pending,
      drift: state.drift,
      unknown: state.unknown.map((u) => ({ revision: u.revision, file: u.file })),
      gaps: state.gaps,
      upToDate: !pending.length && !state.drift.length && !state.unknown.length && !state.gaps.length,
      warnings,
    };
  });
}

export interface HistoryEntry {
  revision: string;
  parents: string[];
  children: string[];
  summary: string;
  description: string;
  file: string;
  createDate?: string;
  transaction: string;
  isHead: boolean;
  isBase: boolean;
  isMerge: boolean;
  isBranchPoint: boolean;
  /** Only when the database was consulted (--indicate-current). */
  isCurrent?: boolean;
  applied?: boolean;
}

export interface HistoryOptions extends MigrateCommonOptions {
  /** `a:b`, `a:` or `:b` (Alembic's -r): the revisions from a up to b, both included. */
  range?: string;
  /** Read the ledger to mark the current revision(s) and what is applied. */
  indicateCurrent?: boolean;
}

function entry(graph: RevisionGraph, f: RevisionFile, heads: Set<string>): HistoryEntry {
  const children = graph.children.get(f.revision) ?? [];
  return {
    revision: f.revision,
    parents: f.parents,
    children,
    summary: f.summary,
    description: f.description,
    file: f.relPath,
    createDate: f.createDate,
    transaction: f.transaction,
    isHead: heads.has(f.revision),
    isBase: f.parents.length === 0,
    isMerge: f.parents.length > 1,
    isBranchPoint: children.length > 1,
  };
}

/** The revisions of `range`, in chain order. */
function inRange(graph: RevisionGraph, range: string | undefined): RevisionFile[] {
  if (!range) return graph.order;
  const m = /^([^:]*):([^:]*)$/.exec(range.trim());
  if (!m) throw new UsageError(`--range "${range}" is not <from>:<to>`, { hint: 'e.g. --range base:head, --range 5b555895a514:, --range :cf6afe03b206' });
  const from = m[1] ? graph.resolve(m[1], '--range start') : 'base';
  const to = m[2] ? graph.resolve(m[2], '--range end') : undefined;
  const above = from === 'base' ? undefined : graph.descendants(from);
  const below = to === undefined ? undefined : to === 'base' ? new Set<string>() : graph.ancestors(to);
  return graph.order.filter((f) => (!above || above.has(f.revision)) && (!below || below.has(f.revision)));
}

/** Newest first along the chain, Alembic-like. Reads files only unless --indicate-current. */
export async function migrateHistory(o: HistoryOptions = {}): Promise<{ revisions: HistoryEntry[]; current?: string[] }> {
  const project = o.project ?? (await loadProject(o));
  const { graph } = project;
  const heads = new Set(graph.heads());
  const revisions = inRange(graph, o.range)
    .map((f) => entry(graph, f, heads))
    .reverse();
  if (!o.indicateCurrent) return { revisions };
  const state = await withSession({ ...o, project }, { write: false }, async (s) => computeState(graph, (await readLedger(s.db, s.ledger)).rows));
  const current = new Set(state.current);
  return { revisions: revisions.map((r) => ({ ...r, isCurrent: current.has(r.revision), applied: state.applied.has(r.revision) })), current: state.current };
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

export interface ShowResult extends HistoryEntry {
  format: 'sql' | 'ts';
  revisesRaw: string;
  type?: string;
  author?: string;
  reversible: boolean;
  irreversibleBecause?: string;
  /** sha256 of what runs, as the file is now. */
  checksum: string;
  database: string;
  /** The ledger row, when applied; `drift` when its checksum differs from the file's. */
  ledger: (Pick<LedgerRow, 'appliedAt' | 'appliedBy' | 'executionMode' | 'durationMs' | 'checksum'> & { drift: boolean }) | null;
}

/** `show <rev>`: one revision's header, place in the graph, file, checksum, and whether it is applied. */
export async function migrateShow(o: MigrateCommonOptions & { revision: string }): Promise<ShowResult> {
  let id = '';
  return withSession(
    o,
    {
      write: false,
      validate: ({ graph }) => {
        const r = graph.resolve(o.revision, 'show');
        if (r === 'base') throw new UsageError('`base` is not a revision', { hint: 'Give a revision id (see `finbrain migrate history`).' });
        id = r;
      },
    },
    async (session, { graph }) => {
      const f = graph.get(id)!;
      const state = computeState(graph, (await readLedger(session.db, session.ledger)).rows);
      const row = state.applied.get(id);
      return {
        ...entry(graph, f, new Set(graph.heads())),
        isCurrent: state.current.includes(id),
        applied: !!row,
        format: f.format,
        revisesRaw: f.revisesRaw,
        type: f.type,
        author: f.author,
        reversible: f.reversible,
        ...(f.irreversibleBecause ? { irreversibleBecause: f.irreversibleBecause } : {}),
        checksum: f.checksum,
        database: session.db.label,
        ledger: row
          ? { appliedAt: row.appliedAt, appliedBy: row.appliedBy, executionMode: row.executionMode, durationMs: row.durationMs, checksum: row.checksum, drift: row.checksum !== f.checksum }
          : null,
      };
    },
  );
}
