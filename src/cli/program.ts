import { Command } from 'commander';
import { changelogCommand } from './commands/changelog.js';
import { checkCommand } from './commands/check.js';
import { initCommand } from './commands/init.js';
import { migrateCommand } from './commands/migrate.js';
import { monitorCommand } from './commands/monitor.js';
import { protectCommand } from './commands/protect.js';
import { packageVersion } from './version.js';

/**
 * Only commander declarations live under src/cli. Each action lazily imports
 * the one core function it needs, so `migrate` never loads ts-morph.
 */
export function buildProgram(): Command {
  const program = new Command('finbrain')
    .description('Provably safe database change and write paths for Node.js services on PostgreSQL')
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', '\nExamples:\n  $ finbrain init --owner @acme/payments-team\n  $ finbrain protect payments --writer \'src/payments/**\'\n  $ finbrain migrate up\n  $ finbrain check all --format sarif -o finbrain.sarif\n  $ finbrain changelog --check');
  program.addCommand(initCommand());
  program.addCommand(protectCommand());
  program.addCommand(migrateCommand());
  program.addCommand(checkCommand());
  program.addCommand(changelogCommand());
  program.addCommand(monitorCommand());
  return program;
}
