import { Command } from 'commander';
import { createIo, runAction } from '../io.js';

export function initCommand(): Command {
  return new Command('init')
    .description('set finbrain up in this service: finbrain.config.json, migrations/ and .github/workflows/finbrain.yml (never overwrites a file)')
    .option('--owner <owner...>', 'owners (@org/team, @user or an email) for a new .github/CODEOWNERS covering what finbrain protects')
    .option('--migrations-dir <dir>', 'where revision files will live', 'migrations')
    .option('--root <dir>', "the service's root, holding its package.json (default: the current directory)")
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  $ npx finbrain init --owner @acme/payments-team')
    .action(async (o: { owner?: string[]; migrationsDir: string; root?: string; json?: boolean }) => {
      const io = createIo(o);
      await runAction(io, async () => {
        const { init } = await import('../../setup/index.js');
        const { renderInit } = await import('../../report/setup-report.js');
        const r = await init({ root: o.root, owners: o.owner, migrationsDir: o.migrationsDir });
        io.out(io.json ? `${JSON.stringify(r, null, 2)}\n` : renderInit(r, io.colors));
      });
    });
}
