import { Command, Option } from 'commander';
import { MigrationFailedError } from '../../errors.js';
import { createIo, runAction, type CliIo } from '../io.js';

type Core = typeof import('../../migrate/index.js');
type Report = typeof import('../../report/migrate-report.js');
type CommonArgs = Parameters<Core['migrateStatus']>[0] & {};

interface Common {
  json?: boolean;
  databaseUrl?: string;
  embedded?: boolean;
  config?: string;
  root?: string;
}

const positiveInt = (v: string) => Number(v);

/** Flags every migrate subcommand takes; `db` adds the database flags. */
function common(cmd: Command, example: string, db = true): Command {
  cmd.option('--json', 'print the result as JSON');
  if (db) {
    cmd
      .option('--database-url <url>', 'database to use (default: DATABASE_URL, then database.url, then the embedded PGlite)')
      .option('--embedded', 'use the embedded PGlite database (.finbrain/pglite) even if a database URL is configured, or with NODE_ENV=production');
  }
  return cmd
    .option('-c, --config <file>', 'path to finbrain.config.json')
    .option('--root <dir>', 'project root')
    .addHelpText('after', `\nExample:\n  $ ${example}`);
}

/** Engine events on stderr: one updating line on a terminal; off a terminal only notices and retries. */
async function eventSink(io: CliIo): Promise<CommonArgs['onEvent']> {
  const { liveProgress, eventLine } = await import('../../report/migrate-progress.js');
  const live = liveProgress(io.errColors);
  return (e) => {
    if (io.interactive && !io.json) io.err(live(e));
    else if (e.type === 'notice' || e.type === 'retry') io.err(`${eventLine(e, io.errColors)}\n`);
  };
}

/**
 * The one action every subcommand runs: its flags become the core call's
 * options, the core returns data, and a reporter renders it (or JSON). A failed
 * migration lists what this run applied before it, on stdout, then the error.
 */
async function act<R>(o: Common, call: (core: Core, common: CommonArgs) => Promise<R>, render: (r: R, report: Report, io: CliIo) => string, exitCode?: (r: R) => number): Promise<void> {
  const io = createIo(o);
  await runAction(io, async () => {
    const core = await import('../../migrate/index.js');
    const report = await import('../../report/migrate-report.js');
    const args: CommonArgs = { url: o.databaseUrl, embedded: o.embedded, configPath: o.config, root: o.root, onEvent: await eventSink(io) };
    try {
      const r = await call(core, args);
      io.out(io.json ? `${JSON.stringify(r, null, 2)}\n` : render(r, report, io));
      return exitCode?.(r);
    } catch (e) {
      if (e instanceof MigrationFailedError && !io.json) io.out(report.renderCompletedBeforeFailure(e.applied, io.colors));
      throw e;
    }
  });
}

export function migrateCommand(): Command {
  const migrate = new Command('migrate')
    .description('Revision-chained Postgres migrations (Alembic-style Revision ID / Revises)')
    .addHelpText('after', '\nExamples:\n  $ finbrain migrate up\n  $ DATABASE_URL=postgres://app@db/app finbrain migrate status --json');

  type UpFlags = Common & { to?: string; steps?: number; dryRun?: boolean; sql?: boolean; offline?: boolean; from?: string; concurrent?: boolean; allowDrift?: boolean };
  common(
    migrate
      .command('up')
      .description('apply pending revisions along the chain')
      .option('--to <rev>', 'stop at this revision (default: head)')
      .addOption(new Option('--steps <n>', 'apply at most this many pending revisions').argParser(positiveInt))
      .option('--sql', 'print the SQL script that would run (ledger tables, each revision in its transaction mode with its ledger row); run nothing')
      .option('--dry-run', 'same as --sql')
      .option('--offline', 'with --sql: no database; the script starts after --from (default: base)')
      .option('--from <rev>', 'with --sql --offline: the revision the target database is at')
      .option('--concurrent', 'concurrent mode: `Transaction: auto` revisions run without a transaction (also CONCURRENT_MIGRATION=true)')
      .option('--allow-drift', 'run even if an applied revision file was edited'),
    'finbrain migrate up --to cf6afe03b206',
  ).action((o: UpFlags) =>
    act(
      o,
      (m, c) => m.migrateUp({ ...c, to: o.to, steps: o.steps, dryRun: o.dryRun || o.sql, offline: o.offline, from: o.from, concurrent: o.concurrent, allowDrift: o.allowDrift }),
      (r, rep, io) => rep.renderRun(r, io.colors),
    ),
  );

  type DownFlags = Common & { to?: string; steps?: number; dryRun?: boolean; sql?: boolean; concurrent?: boolean; allowDrift?: boolean };
  common(
    migrate
      .command('down')
      .description('revert applied revisions (default: one step)')
      .option('--to <rev>', 'revert down to this revision (kept applied), or `base` for everything')
      .addOption(new Option('--steps <n>', 'revert this many revisions').argParser(positiveInt))
      .option('--sql', 'print the SQL that would run; run nothing')
      .option('--dry-run', 'same as --sql')
      .option('--concurrent', 'concurrent mode (see up)')
      .option('--allow-drift', 'revert even if the revision file was edited after it was applied'),
    'finbrain migrate down --to base',
  ).action((o: DownFlags) =>
    act(
      o,
      (m, c) => m.migrateDown({ ...c, to: o.to, steps: o.steps, dryRun: o.dryRun || o.sql, concurrent: o.concurrent, allowDrift: o.allowDrift }),
      (r, rep, io) => rep.renderRun(r, io.colors),
    ),
  );

  common(
    migrate
      .command('redo')
      .description('revert the newest revision(s) and apply them again')
      .addOption(new Option('--steps <n>', 'how many revisions (default 1)').argParser(positiveInt))
      .option('--concurrent', 'concurrent mode (see up)')
      .option('--allow-drift', 'redo even if a revision file was edited after it was applied'),
    'finbrain migrate redo --steps 2',
  ).action((o: Common & { steps?: number; concurrent?: boolean; allowDrift?: boolean }) =>
    act(
      o,
      (m, c) => m.migrateRedo({ ...c, steps: o.steps, concurrent: o.concurrent, allowDrift: o.allowDrift }),
      (r, rep, io) => rep.renderRun(r, io.colors),
    ),
  );

  common(
    migrate
      .command('status')
      .description('applied, pending, current and heads, drift')
      .option('--check', 'exit 1 when anything is pending, drifted, missing or inconsistent (for CI gates)'),
    'finbrain migrate status --check',
  ).action((o: Common & { check?: boolean }) =>
    act(
      o,
      (m, c) => m.migrateStatus(c),
      (r, rep, io) => rep.renderStatus(r, io.colors),
      (r) => (o.check && !r.upToDate ? 1 : 0),
    ),
  );

  common(
    migrate
      .command('history')
      .description('the revision chain, newest first (no database needed unless --indicate-current)')
      .option('-r, --range <from:to>', 'only revisions from <from> up to <to>, both included (either side may be empty)')
      .option('-v, --verbose', 'the full header of each revision')
      .option('-i, --indicate-current', 'read the database and mark the current revision(s)'),
    'finbrain migrate history --range 5b555895a514:head --verbose -i',
  ).action((o: Common & { range?: string; verbose?: boolean; indicateCurrent?: boolean }) =>
    act(
      o,
      (m, c) => m.migrateHistory({ ...c, range: o.range, indicateCurrent: o.indicateCurrent }),
      (r, rep) => rep.renderHistory(r, { verbose: o.verbose }),
    ),
  );

  common(migrate.command('show').description('one revision: header, parents, children, file, checksum, applied or not').argument('<rev>', 'revision id, unique prefix or head'), 'finbrain migrate show cf6afe03b206 --json').action(
    (rev: string, o: Common) =>
      act(
        o,
        (m, c) => m.migrateShow({ ...c, revision: rev }),
        (r, rep, io) => rep.renderShow(r, io.colors),
      ),
  );

  common(migrate.command('heads').description('revisions nothing revises yet'), 'finbrain migrate heads', false).action((o: Common) =>
    act(
      o,
      (m, c) => m.migrateHeads(c),
      (r, rep) => rep.renderHeads(r),
    ),
  );

  common(
    migrate
      .command('new')
      .description('write a new revision file whose parent is the current head')
      .argument('<message>', 'what the revision does; becomes the summary and the file slug')
      .option('--sql', 'an SQL revision (default)')
      .option('--ts', 'a TypeScript revision exporting up(ctx)/down(ctx)')
      .option('--no-transaction', 'mark it `Transaction: false` (for CREATE INDEX CONCURRENTLY and friends)')
      .option('--rev-id <id>', 'use this revision id instead of a random one')
      .option('--head <rev>', 'revise this revision instead of the single head (starts a second head when it is not one)'),
    'finbrain migrate new "add expense notes" --sql',
    false,
  ).action((message: string, o: Common & { ts?: boolean; transaction?: boolean; revId?: string; head?: string }) =>
    act(
      o,
      (m, c) => m.migrateNew({ ...c, message, format: o.ts ? 'ts' : 'sql', transaction: o.transaction !== false, revId: o.revId, head: o.head }),
      (r, rep) => rep.renderNew(r),
    ),
  );

  common(
    migrate
      .command('stamp')
      .description('record the database as being at <rev> without running SQL (`base` clears the ledger)')
      .argument('<rev>', 'revision id, unique prefix, head or base'),
    'finbrain migrate stamp 30b14b696ef7',
  ).action((rev: string, o: Common) =>
    act(
      o,
      (m, c) => m.migrateStamp({ ...c, target: rev }),
      (r, rep) => rep.renderStamp(r),
    ),
  );

  common(
    migrate
      .command('merge')
      .description('write a merge revision joining the heads (or the given revisions)')
      .argument('[revisions...]', 'revisions to merge (default: all heads)')
      .option('-m, --message <message>', 'summary of the merge revision'),
    'finbrain migrate merge -m "merge billing and reports"',
    false,
  ).action((revisions: string[], o: Common & { message?: string }) =>
    act(
      o,
      (m, c) => m.migrateMerge({ ...c, revisions, message: o.message }),
      (r, rep) => rep.renderNew(r),
    ),
  );

  common(
    migrate
      .command('adopt')
      .description('take over a database managed by Alembic: fill the ledger up to alembic_version, run no SQL')
      .requiredOption('--from-alembic', 'read the alembic_version table')
      .option('--version-table <name>', 'Alembic version table', 'alembic_version'),
    'DATABASE_URL=postgres://app@db/app finbrain migrate adopt --from-alembic',
  ).action((o: Common & { versionTable: string }) =>
    act(
      o,
      (m, c) => m.migrateAdopt({ ...c, versionTable: o.versionTable }),
      (r, rep) => rep.renderAdopt(r, o.versionTable),
    ),
  );

  migrate
    .command('verify')
    .description('rollback safety: for each revision on a scratch database, up, down (schema must match the one before), up again')
    .option('--database-url <url>', 'create (and drop) the scratch database on this server instead of an in-memory PGlite')
    .option('--strict', 'an irreversible revision fails the verification')
    .option('--json', 'print the result as JSON')
    .option('-c, --config <file>', 'path to finbrain.config.json')
    .option('--root <dir>', 'project root')
    .addHelpText('after', '\nExample:\n  $ finbrain migrate verify --database-url postgres://postgres@127.0.0.1/postgres')
    .action(async (o: Common & { strict?: boolean }) => {
      const io = createIo(o);
      await runAction(io, async () => {
        const { migrateVerify } = await import('../../verify/index.js');
        const { renderVerify, renderVerifyStep } = await import('../../report/verify-report.js');
        const r = await migrateVerify({
          databaseUrl: o.databaseUrl,
          configPath: o.config,
          root: o.root,
          strict: o.strict,
          onRevision: (s) => io.interactive && !io.json && io.err(`${renderVerifyStep(s, io.errColors)}\n`),
        });
        io.out(io.json ? `${JSON.stringify(r, null, 2)}\n` : renderVerify(r, io.colors));
        return r.ok ? 0 : 1;
      });
    });

  return migrate;
}
