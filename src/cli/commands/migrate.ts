import { Command, Option } from 'commander';
import { createIo, runAction, type CliIo } from '../io.js';

interface Common {
  json?: boolean;
  databaseUrl?: string;
  config?: string;
  root?: string;
}

function common(cmd: Command, example: string): Command {
  return cmd
    .option('--json', 'print the result as JSON')
    .option('--database-url <url>', 'database to use (default: DATABASE_URL, then database.url, then the embedded PGlite)')
    .option('-c, --config <file>', 'path to finbrain.config.json')
    .option('--root <dir>', 'project root')
    .addHelpText('after', `\nExample:\n  $ ${example}`);
}

/** Progress goes to stderr: a line per migration as it runs, then its duration. */
async function onEvents(io: CliIo) {
  const { renderEvent } = await import('../../report/migrate-report.js');
  return (e: import('../../migrate/index.js').MigrateEvent) => {
    if (e.type === 'notice') return void io.err(`${renderEvent(e, io.errColors)}\n`);
    if (io.json) return;
    if (io.interactive || e.type === 'retry') io.err(`${renderEvent(e, io.errColors)}\n`);
  };
}

function base(o: Common) {
  return { url: o.databaseUrl, configPath: o.config, root: o.root };
}

export function migrateCommand(): Command {
  const migrate = new Command('migrate')
    .description('Revision-chained Postgres migrations (Alembic-style Revision ID / Revises)')
    .addHelpText('after', '\nExamples:\n  $ finbrain migrate up\n  $ DATABASE_URL=postgres://app@db/app finbrain migrate status --json');

  common(
    migrate
      .command('up')
      .description('apply pending revisions along the chain')
      .option('--to <rev>', 'stop at this revision (default: head)')
      .option('--dry-run', 'print the SQL that would run, with transaction boundaries; run nothing')
      .option('--sql', 'same as --dry-run')
      .option('--concurrent', 'concurrent mode: `Transaction: auto` revisions run without a transaction (also CONCURRENT_MIGRATION=true)')
      .option('--allow-drift', 'run even if an applied revision file was edited'),
    'finbrain migrate up --to cf6afe03b206',
  ).action(async (o: Common & { to?: string; dryRun?: boolean; sql?: boolean; concurrent?: boolean; allowDrift?: boolean }) => {
    const io = createIo(o);
    await runAction(io, async () => {
      const { migrateUp } = await import('../../migrate/index.js');
      const { renderRun } = await import('../../report/migrate-report.js');
      const r = await migrateUp({ ...base(o), to: o.to, dryRun: o.dryRun || o.sql, concurrent: o.concurrent, allowDrift: o.allowDrift, onEvent: await onEvents(io) });
      io.out(io.json ? `${JSON.stringify(r, null, 2)}\n` : renderRun(r, io.colors));
    });
  });

  common(
    migrate
      .command('down')
      .description('revert applied revisions (default: one step)')
      .option('--to <rev>', 'revert down to this revision (kept applied), or `base` for everything')
      .addOption(new Option('--steps <n>', 'revert this many revisions').argParser((v) => Number(v)))
      .option('--dry-run', 'print the SQL that would run; run nothing')
      .option('--sql', 'same as --dry-run')
      .option('--concurrent', 'concurrent mode (see up)'),
    'finbrain migrate down --to base',
  ).action(async (o: Common & { to?: string; steps?: number; dryRun?: boolean; sql?: boolean; concurrent?: boolean }) => {
    const io = createIo(o);
    await runAction(io, async () => {
      const { migrateDown } = await import('../../migrate/index.js');
      const { renderRun } = await import('../../report/migrate-report.js');
      const r = await migrateDown({ ...base(o), to: o.to, steps: o.steps, dryRun: o.dryRun || o.sql, concurrent: o.concurrent, onEvent: await onEvents(io) });
      io.out(io.json ? `${JSON.stringify(r, null, 2)}\n` : renderRun(r, io.colors));
    });
  });

  common(migrate.command('status').description('applied, pending, current and heads, drift'), 'finbrain migrate status --json').action(
    async (o: Common) => {
      const io = createIo(o);
      await runAction(io, async () => {
        const { migrateStatus } = await import('../../migrate/index.js');
        const { renderStatus } = await import('../../report/migrate-report.js');
        const r = await migrateStatus({ ...base(o), onEvent: await onEvents(io) });
        io.out(io.json ? `${JSON.stringify(r, null, 2)}\n` : renderStatus(r, io.colors));
      });
    },
  );

  common(migrate.command('history').description('the revision chain, newest first (no database needed)'), 'finbrain migrate history').action(
    async (o: Common) => {
      const io = createIo(o);
      await runAction(io, async () => {
        const { migrateHistory } = await import('../../migrate/index.js');
        const { renderHistory } = await import('../../report/migrate-report.js');
        const r = await migrateHistory(base(o));
        io.out(io.json ? `${JSON.stringify(r, null, 2)}\n` : renderHistory(r));
      });
    },
  );

  common(migrate.command('heads').description('revisions nothing revises yet'), 'finbrain migrate heads').action(async (o: Common) => {
    const io = createIo(o);
    await runAction(io, async () => {
      const { migrateHeads } = await import('../../migrate/index.js');
      const { renderHeads } = await import('../../report/migrate-report.js');
      const r = await migrateHeads(base(o));
      io.out(io.json ? `${JSON.stringify(r, null, 2)}\n` : renderHeads(r));
    });
  });

  common(
    migrate
      .command('new')
      .description('write a new revision file whose parent is the current head')
      .argument('<message>', 'what the revision does; becomes the summary and the file slug')
      .option('--sql', 'an SQL revision (default)')
      .option('--ts', 'a TypeScript revision exporting up(ctx)/down(ctx)')
      .option('--no-transaction', 'mark it `Transaction: false` (for CREATE INDEX CONCURRENTLY and friends)'),
    'finbrain migrate new "add expense notes" --sql',
  ).action(async (message: string, o: Common & { ts?: boolean; transaction?: boolean }) => {
    const io = createIo(o);
    await runAction(io, async () => {
      const { migrateNew } = await import('../../migrate/index.js');
      const { renderNew } = await import('../../report/migrate-report.js');
      const r = await migrateNew({ ...base(o), message, format: o.ts ? 'ts' : 'sql', transaction: o.transaction !== false });
      io.out(io.json ? `${JSON.stringify(r, null, 2)}\n` : renderNew(r));
    });
  });

  common(
    migrate
      .command('stamp')
      .description('record the database as being at <rev> without running SQL (`base` clears the ledger)')
      .argument('<rev>', 'revision id, unique prefix, head or base'),
    'finbrain migrate stamp 30b14b696ef7',
  ).action(async (rev: string, o: Common) => {
    const io = createIo(o);
    await runAction(io, async () => {
      const { migrateStamp } = await import('../../migrate/index.js');
      const { renderStamp } = await import('../../report/migrate-report.js');
      const r = await migrateStamp({ ...base(o), target: rev, onEvent: await onEvents(io) });
      io.out(io.json ? `${JSON.stringify(r, null, 2)}\n` : renderStamp(r));
    });
  });

  common(
    migrate
      .command('merge')
      .description('write a merge revision joining the heads (or the given revisions)')
      .argument('[revisions...]', 'revisions to merge (default: all heads)')
      .option('-m, --message <message>', 'summary of the merge revision'),
    'finbrain migrate merge -m "merge billing and reports"',
  ).action(async (revisions: string[], o: Common & { message?: string }) => {
    const io = createIo(o);
    await runAction(io, async () => {
      const { migrateMerge } = await import('../../migrate/index.js');
      const { renderNew } = await import('../../report/migrate-report.js');
      const r = await migrateMerge({ ...base(o), revisions, message: o.message });
      io.out(io.json ? `${JSON.stringify(r, null, 2)}\n` : renderNew(r));
    });
  });

  common(
    migrate
      .command('adopt')
      .description('take over a database managed by Alembic: fill the ledger up to alembic_version, run no SQL')
      .requiredOption('--from-alembic', 'read the alembic_version table')
      .option('--version-table <name>', 'Alembic version table', 'alembic_version'),
    'DATABASE_URL=postgres://app@db/app finbrain migrate adopt --from-alembic',
  ).action(async (o: Common & { versionTable: string }) => {
    const io = createIo(o);
    await runAction(io, async () => {
      const { migrateAdopt } = await import('../../migrate/index.js');
      const { renderStamp } = await import('../../report/migrate-report.js');
      const r = await migrateAdopt({ ...base(o), versionTable: o.versionTable, onEvent: await onEvents(io) });
      io.out(io.json ? `${JSON.stringify(r, null, 2)}\n` : `adopted from ${o.versionTable} (${r.alembicVersions.join(', ')}): ${renderStamp(r)}`);
    });
  });

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
