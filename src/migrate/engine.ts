import { Umzug, type UmzugStorage } from 'umzug';
import type { Db } from '../db/types.js';
import { MigrationFailedError, RevisionError, UsageError } from '../errors.js';
import { multipleHeadsError } from '../revisions/revision-graph.js';
import type { RevisionFile } from '../revisions/revision-file.js';
import { initSqlParser } from '../sql/index.js';
import type { EventSink } from './events.js';
import { readLedger } from './ledger.js';
import { loadProject, type MigrationProject, type ProjectOptions } from './project.js';
import { preflight, runRevision, runsInTransaction, type Direction } from './run-revision.js';
import { openSession, type Session } from './session.js';
import { computeState, planDown, planUp } from './state.js';
import { renderPlanSql } from './dry-run.js';

export interface MigrateCommonOptions extends ProjectOptions {
  project?: MigrationProject;
  /** Use this database instead of opening one (library use, verify, tests). */
  db?: Db;
  /** --database-url */
  url?: string;
  onEvent?: EventSink;
  env?: NodeJS.ProcessEnv;
}

export interface MigrateUpOptions extends MigrateCommonOptions {
  to?: string;
  dryRun?: boolean;
  concurrent?: boolean;
  allowDrift?: boolean;
}

export interface MigrateDownOptions extends MigrateCommonOptions {
  to?: string;
  steps?: number;
  dryRun?: boolean;
  concurrent?: boolean;
}

export interface StepResult {
  revision: string;
  summary: string;
  file: string;
  direction: Direction;
  mode: 'transactional' | 'non-transactional';
  durationMs: number;
}

export interface MigrateRunResult {
  direction: Direction;
  database: string;
  concurrent: boolean;
  steps: StepResult[];
  /** --dry-run: the SQL that would run, in order, with transaction boundaries. */
  sql?: string;
  /** Revisions that are applied after the command. */
  current: string[];
}

export function concurrentMode(flag: boolean | undefined, project: MigrationProject, env: NodeJS.ProcessEnv = process.env): boolean {
  if (flag !== undefined) return flag;
  const v = env.CONCURRENT_MIGRATION?.toLowerCase();
  if (v === 'true' || v === '1' || v === 'yes') return true;
  return project.config.migrate.concurrent;
}

const noop: EventSink = () => {};

async function withSession<T>(
  o: MigrateCommonOptions,
  write: boolean,
  validate: (p: MigrationProject) => void,
  body: (s: Session, p: MigrationProject) => Promise<T>,
): Promise<T> {
  const project = o.project ?? (await loadProject(o));
  // Bad input is rejected before any database is opened: nothing can be half-applied.
  validate(project);
  const session = await openSession({ project, db: o.db, url: o.url, emit: o.onEvent ?? noop, write });
  try {
    return await body(session, project);
  } finally {
    await session.close();
  }
}

/**
 * Umzug drives execution; the revision graph decides the order. Each runnable
 * migration writes its own ledger row inside its own transaction (umzug#708),
 * so the storage only reads the ledger.
 */
function buildUmzug(files: RevisionFile[], session: Session, run: (f: RevisionFile, d: Direction) => Promise<number>, applied: () => Promise<string[]>) {
  const storage: UmzugStorage = {
    logMigration: async () => {},
    unlogMigration: async () => {},
    executed: applied,
  };
  return new Umzug({
    migrations: files.map((f) => ({
      name: f.revision,
      path: f.path,
      up: async () => void (await run(f, 'up')),
      down: async () => void (await run(f, 'down')),
    })),
    storage,
    logger: undefined,
    context: () => ({ db: session.db }),
  });
}

function unwrapUmzugError(e: unknown): unknown {
  // Umzug wraps failures in MigrationError with the original in .cause.
  let cur = e as { cause?: unknown };
  while (cur && !(cur instanceof MigrationFailedError) && !(cur instanceof RevisionError) && cur.cause) cur = cur.cause as never;
  return cur instanceof MigrationFailedError || cur instanceof RevisionError ? cur : e;
}

export async function migrateUp(o: MigrateUpOptions = {}): Promise<MigrateRunResult> {
  let targets: string[] | undefined;
  const validate = ({ graph }: MigrationProject) => {
    const heads = graph.heads();
    if (o.to) {
      const t = graph.resolve(o.to, '--to');
      targets = t === 'base' ? [] : [t];
    } else if (heads.length > 1) {
      throw multipleHeadsError(heads, graph);
    }
  };
  return withSession(o, !o.dryRun, validate, async (session, project) => {
    const { graph } = project;
    const emit = o.onEvent ?? noop;
    const concurrent = concurrentMode(o.concurrent, project, o.env);
    // The plan is computed after the lock: a runner that waited sees what the others applied.
    const rows = await readLedger(session.db, session.ledger);
    const state = computeState(graph, rows);
    if (state.drift.length && !o.allowDrift) {
      throw new RevisionError(
        `applied revision(s) changed since they were applied: ${state.drift.map((r) => `${r} (${graph.get(r)!.relPath})`).join(', ')}`,
        {
          files: state.drift.map((r) => graph.get(r)!.relPath),
          hint: 'Revert the edits (write a new revision for new changes), or pass --allow-drift if the edit is harmless.',
        },
      );
    }
    for (const u of state.unknown) emit({ type: 'notice', message: `warning: the ledger has revision ${u.revision} (${u.file}) but no such file exists` });
    const plan = planUp(graph, state, targets).map((id) => graph.get(id)!);
    if (plan.some((f) => f.format === 'sql')) await initSqlParser();
    for (const f of plan) preflight(f, 'up', concurrent);
    const base = { direction: 'up' as const, database: session.db.label, concurrent };
    if (o.dryRun) {
      return { ...base, steps: [], sql: renderPlanSql(plan, 'up', concurrent, session.ledger), current: state.current };
    }
    const steps = await execute(plan, 'up', session, project, concurrent, emit, () => Promise.resolve([...state.applied.keys()]));
    const after = computeState(graph, await readLedger(session.db, session.ledger));
    return { ...base, steps, current: after.current };
  });
}

export async function migrateDown(o: MigrateDownOptions = {}): Promise<MigrateRunResult> {
  let target: string | undefined;
  const validate = ({ graph }: MigrationProject) => {
    target = o.to ? graph.resolve(o.to, '--to') : undefined;
    if (o.steps !== undefined && (!Number.isInteger(o.steps) || o.steps < 1)) {
      throw new UsageError(`--steps must be a positive integer, got ${o.steps}`, { hint: 'Use e.g. --steps 2.' });
    }
  };
  return withSession(o, !o.dryRun, validate, async (session, project) => {
    const { graph } = project;
    const emit = o.onEvent ?? noop;
    const concurrent = concurrentMode(o.concurrent, project, o.env);
    const state = computeState(graph, await readLedger(session.db, session.ledger));
    if (target && target !== 'base' && !state.applied.has(target)) {
      throw new RevisionError(`--to ${target} is not applied, so there is nothing to downgrade to`, { hint: 'See `finbrain migrate status`.' });
    }
    const plan = planDown(graph, state, { target, steps: o.steps }).map((id) => graph.get(id)!);
    if (plan.some((f) => f.format === 'sql')) await initSqlParser();
    for (const f of plan) preflight(f, 'down', concurrent);
    const base = { direction: 'down' as const, database: session.db.label, concurrent };
    if (o.dryRun) return { ...base, steps: [], sql: renderPlanSql(plan, 'down', concurrent, session.ledger), current: state.current };
    const steps = await execute(plan, 'down', session, project, concurrent, emit, () =>
      Promise.resolve(graph.order.filter((f) => state.applied.has(f.revision)).map((f) => f.revision)),
    );
    const after = computeState(graph, await readLedger(session.db, session.ledger));
    return { ...base, steps, current: after.current };
  });
}

async function execute(
  plan: RevisionFile[],
  direction: Direction,
  session: Session,
  project: MigrationProject,
  concurrent: boolean,
  emit: EventSink,
  applied: () => Promise<string[]>,
): Promise<StepResult[]> {
  const steps: StepResult[] = [];
  if (!plan.length) return steps;
  const { migrate } = project.config;
  const run = async (f: RevisionFile, d: Direction) => {
    const durationMs = await runRevision(f, d, {
      db: session.db,
      ledger: session.ledger,
      concurrent,
      retry: { retries: migrate.lockRetries, backoffMs: migrate.retryBackoffMs },
      emit,
    });
    steps.push({
      revision: f.revision,
      summary: f.summary,
      file: f.relPath,
      direction: d,
      mode: runsInTransaction(f, concurrent) ? 'transactional' : 'non-transactional',
      durationMs,
    });
    return durationMs;
  };
  const umzug = buildUmzug(project.graph.order, session, run, applied);
  try {
    const names = plan.map((f) => f.revision);
    if (direction === 'up') await umzug.up({ migrations: names });
    else await umzug.down({ migrations: names });
  } catch (e) {
    throw unwrapUmzugError(e);
  }
  return steps;
}
