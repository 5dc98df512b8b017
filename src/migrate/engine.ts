import { MigrationFailedError, RevisionError, UsageError, type CompletedStep } from '../errors.js';
import { multipleHeadsError, type RevisionGraph } from '../revisions/revision-graph.js';
import type { EventSink } from './events.js';
import { executePlan } from './execute.js';
import { guardDown, guardUp } from './integrity.js';
import { ledgerNames, readLedger, revertDurations } from './ledger.js';
import { preparePlan, type Direction } from './plan.js';
import { loadProject, type MigrationProject } from '../revisions/project.js';
import { withSession, type MigrateCommonOptions, type Session } from './session.js';
import { renderSqlScript } from './sql-script.js';
import { computeState, planDown, planUp, type MigrationState } from './state.js';

export type { MigrateCommonOptions };
export type StepResult = CompletedStep;

export interface MigrateUpOptions extends MigrateCommonOptions {
  /** Stop at this revision (default: every head). */
  to?: string;
  /** Apply at most this many pending revisions. */
  steps?: number;
  /** Print the SQL script instead of running it (`--sql` / `--dry-run`). */
  dryRun?: boolean;
  /** With dryRun: no database at all; the script starts after `from` (default: base). */
  offline?: boolean;
  from?: string;
  concurrent?: boolean;
  allowDrift?: boolean;
}

export interface MigrateDownOptions extends MigrateCommonOptions {
  to?: string;
  steps?: number;
  dryRun?: boolean;
  concurrent?: boolean;
  allowDrift?: boolean;
}

export interface MigrateRunResult {
  direction: Direction | 'redo';
  database: string;
  concurrent: boolean;
  /** What ran, in order, with the durations the ledger recorded. */
  steps: StepResult[];
  /** --sql / --dry-run: the script that would run. */
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

function checkSteps(steps: number | undefined): void {
  if (steps !== undefined && (!Number.isInteger(steps) || steps < 1)) {
    throw new UsageError(`--steps must be a positive integer, got ${steps}`, { hint: 'Use e.g. --steps 2.' });
  }
}

function checkTargets(o: { to?: string; steps?: number }, verb: string): void {
  if (o.to !== undefined && o.steps !== undefined) {
    throw new UsageError(`--to ${o.to} and --steps ${o.steps} name two different targets; nothing was run`, {
      hint: `Give one: \`migrate ${verb} --to <rev>\` or \`migrate ${verb} --steps <n>\`.`,
    });
  }
  checkSteps(o.steps);
}

/** Heads to migrate up to: --to, or the single head (two heads need a merge or an explicit --to). */
function upTargets(graph: RevisionGraph, to: string | undefined): string[] | undefined {
  if (to) {
    const t = graph.resolve(to, '--to');
    return t === 'base' ? [] : [t];
  }
  const heads = graph.heads();
  if (heads.length > 1) throw multipleHeadsError(heads, graph);
  return undefined;
}

function runOptions(session: Session, project: MigrationProject, concurrent: boolean, emit: EventSink) {
  const { migrate } = project.config;
  return { db: session.db, ledger: session.ledger, concurrent, retry: { retries: migrate.lockRetries, backoffMs: migrate.retryBackoffMs }, emit };
}

/** Durations as the ledger recorded them, so the output and the ledger agree. */
async function withLedgerDurations(session: Session, steps: StepResult[], after: MigrationState): Promise<StepResult[]> {
  const down = await revertDurations(
    session.db,
    session.ledger,
    steps.filter((s) => s.direction === 'down').map((s) => s.revision),
  );
  return steps.map((s) => {
    const recorded = s.direction === 'up' ? after.applied.get(s.revision)?.durationMs : down.get(s.revision);
    return recorded === undefined ? s : { ...s, durationMs: recorded };
  });
}

/** `up --sql --offline`: the script from `--from` (default base) to `--to` (default head), no database. */
async function offlineUp(o: MigrateUpOptions): Promise<MigrateRunResult> {
  const project = o.project ?? (await loadProject(o));
  const { graph } = project;
  const targets = upTargets(graph, o.to);
  const from = o.from ? graph.resolve(o.from, '--from') : 'base';
  const applied = from === 'base' ? new Set<string>() : graph.ancestors(from);
  const concurrent = concurrentMode(o.concurrent, project, o.env);
  const ids = planUp(graph, applied, targets).slice(0, o.steps);
  const plan = await preparePlan(ids.map((id) => graph.get(id)!), 'up', concurrent);
  return {
    direction: 'up',
    database: 'none (offline)',
    concurrent,
    steps: [],
    sql: renderSqlScript(plan, ledgerNames(project.config.migrate.ledgerTable)),
    current: from === 'base' ? [] : [from],
  };
}

export async function migrateUp(o: MigrateUpOptions = {}): Promise<MigrateRunResult> {
  checkTargets(o, 'up');
  if (o.offline && !o.dryRun) throw new UsageError('--offline writes an SQL script and needs --sql', { hint: 'Use `finbrain migrate up --sql --offline`.' });
  if (o.from !== undefined && !o.offline) throw new UsageError('--from is for `up --sql --offline`', { hint: 'Online, the ledger says where to start: drop --from, or add --sql --offline.' });
  if (o.offline) return offlineUp(o);
  let targets: string[] | undefined;
  const validate = ({ graph }: MigrationProject) => void (targets = upTargets(graph, o.to));
  return withSession(o, { write: !o.dryRun, validate }, async (session, project) => {
    const { graph } = project;
    const emit = o.onEvent ?? noop;
    const concurrent = concurrentMode(o.concurrent, project, o.env);
    // The plan is computed after the lock: a runner that waited sees what the others applied.
    const snapshot = await readLedger(session.db, session.ledger);
    const state = computeState(graph, snapshot.rows);
    guardUp(graph, state, snapshot, { allowDrift: o.allowDrift, emit });
    const ids = planUp(graph, state.applied, targets).slice(0, o.steps);
    const plan = await preparePlan(ids.map((id) => graph.get(id)!), 'up', concurrent);
    const base = { direction: 'up' as const, database: session.db.label, concurrent };
    if (o.dryRun) return { ...base, steps: [], sql: renderSqlScript(plan, session.ledger), current: state.current };
    if (plan.length) await session.ensureLedger();
    const steps = await executePlan(plan, [...state.applied.keys()], runOptions(session, project, concurrent, emit));
    const after = computeState(graph, (await readLedger(session.db, session.ledger)).rows);
    return { ...base, steps: await withLedgerDurations(session, steps, after), current: after.current };
  });
}

export async function migrateDown(o: MigrateDownOptions = {}): Promise<MigrateRunResult> {
  checkTargets(o, 'down');
  let target: string | undefined;
  const validate = ({ graph }: MigrationProject) => void (target = o.to ? graph.resolve(o.to, '--to') : undefined);
  return withSession(o, { write: !o.dryRun, validate }, async (session, project) => {
    const { graph } = project;
    const emit = o.onEvent ?? noop;
    const concurrent = concurrentMode(o.concurrent, project, o.env);
    const state = computeState(graph, (await readLedger(session.db, session.ledger)).rows);
    if (target && target !== 'base' && !state.applied.has(target)) {
      throw new RevisionError(`--to ${target} is not applied, so there is nothing to downgrade to`, { hint: 'See `finbrain migrate status`.' });
    }
    const ids = planDown(graph, state, { target, steps: o.steps });
    guardDown(graph, state, ids, { allowDrift: o.allowDrift });
    const plan = await preparePlan(ids.map((id) => graph.get(id)!), 'down', concurrent);
    const base = { direction: 'down' as const, database: session.db.label, concurrent };
    if (o.dryRun) return { ...base, steps: [], sql: renderSqlScript(plan, session.ledger), current: state.current };
    const steps = await executePlan(plan, [...state.applied.keys()], runOptions(session, project, concurrent, emit));
    const after = computeState(graph, (await readLedger(session.db, session.ledger)).rows);
    return { ...base, steps: await withLedgerDurations(session, steps, after), current: after.current };
  });
}

/**
 * `redo [--steps N]`: revert the newest N revisions and apply them again, in
 * one session under one lock. Everything is checked (reversible, SQL parses)
 * before the first down runs.
 */
export async function migrateRedo(o: Omit<MigrateDownOptions, 'to' | 'dryRun'> = {}): Promise<MigrateRunResult> {
  checkSteps(o.steps);
  return withSession(o, { write: true }, async (session, project) => {
    const { graph } = project;
    const emit = o.onEvent ?? noop;
    const concurrent = concurrentMode(o.concurrent, project, o.env);
    const snapshot = await readLedger(session.db, session.ledger);
    const state = computeState(graph, snapshot.rows);
    guardUp(graph, state, snapshot, { allowDrift: o.allowDrift, emit });
    const ids = planDown(graph, state, { steps: o.steps ?? 1 });
    guardDown(graph, state, ids, { allowDrift: o.allowDrift });
    const files = ids.map((id) => graph.get(id)!);
    const downPlan = await preparePlan(files, 'down', concurrent);
    const upPlan = await preparePlan([...files].reverse(), 'up', concurrent);
    const run = runOptions(session, project, concurrent, emit);
    const reverted = await executePlan(downPlan, [...state.applied.keys()], run);
    const remaining = [...state.applied.keys()].filter((r) => !ids.includes(r));
    const reapplied = await executePlan(upPlan, remaining, run).catch((e: unknown) => {
      // The failure lists the downs this run did too.
      throw e instanceof MigrationFailedError ? e.withApplied([...reverted, ...e.applied]) : e;
    });
    const after = computeState(graph, (await readLedger(session.db, session.ledger)).rows);
    return { direction: 'redo', database: session.db.label, concurrent, steps: await withLedgerDurations(session, [...reverted, ...reapplied], after), current: after.current };
  });
}
