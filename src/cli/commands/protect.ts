import { Command } from 'commander';
import { createIo, runAction } from '../io.js';

const collect = (value: string, previous: string[]) => [...previous, value];

export function protectCommand(): Command {
  return new Command('protect')
    .description('protect a table: name it and its writer in the config, and write a revision that installs the database side')
    .argument('<table>', 'the table, e.g. payments or billing.payments')
    .option('--writer <glob>', 'glob of the one module allowed to write it (repeatable), relative to the project root', collect, [])
    .option('-c, --config <file>', 'path to finbrain.config.json')
    .option('--root <dir>', 'project root')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', "\nExample:\n  $ npx finbrain protect payments --writer 'src/payments/**'\n  $ npx finbrain migrate up")
    .action(async (table: string, o: { writer: string[]; config?: string; root?: string; json?: boolean }) => {
      const io = createIo(o);
      await runAction(io, async () => {
        const { protect } = await import('../../setup/index.js');
        const { renderProtect } = await import('../../report/setup-report.js');
        const r = await protect({ table, writers: o.writer, root: o.root, configPath: o.config });
        for (const w of r.warnings) if (io.json) io.err(`warning: ${w}\n`);
        io.out(io.json ? `${JSON.stringify(r, null, 2)}\n` : renderProtect(r, io.colors));
      });
    });
}
