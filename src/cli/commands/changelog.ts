import { Command, Option } from 'commander';
import { createIo, runAction } from '../io.js';

interface ChangelogFlags {
  check?: boolean;
  stdout?: boolean;
  format: 'text' | 'json';
  json?: boolean;
  file: string;
  root?: string;
  config?: string;
}

export function changelogCommand(): Command {
  return new Command('changelog')
    .description('generate the migration history section of CHANGELOG.md from the revision files')
    .option('--check', 'write nothing; if CHANGELOG.md is out of date print a unified diff and exit 1')
    .option('--stdout', 'print the document that would be written; write nothing')
    .addOption(new Option('-f, --format <format>', 'text, or json for the collected metadata').choices(['text', 'json']).default('text'))
    .option('--json', 'same as --format json')
    .option('--file <path>', 'the changelog file, relative to the project root', 'CHANGELOG.md')
    .option('--root <dir>', 'project root')
    .option('-c, --config <file>', 'path to finbrain.config.json')
    .addHelpText('after', '\nExamples:\n  $ finbrain changelog\n  $ finbrain changelog --check   # in CI: exit 1 with a diff when stale')
    .action(async (o: ChangelogFlags) => {
      const json = o.json || o.format === 'json';
      const io = createIo({ json });
      await runAction(io, async () => {
        const { runChangelog } = await import('../../changelog/index.js');
        const r = await runChangelog({ root: o.root, configPath: o.config, file: o.file, check: o.check || json, dryRun: o.stdout });
        for (const w of r.warnings) io.err(`${io.errColors.yellow('warning:')} ${w}\n`);
        if (json) {
          io.out(`${JSON.stringify({ file: r.file, stale: r.stale, revisions: r.revisions, warnings: r.warnings }, null, 2)}\n`);
          return o.check && r.stale ? 1 : 0;
        }
        if (o.stdout) {
          io.out(r.content);
          return 0;
        }
        if (o.check) {
          if (!r.stale) {
            io.err(`${r.file} is up to date (${r.revisions.length} revisions)\n`);
            return 0;
          }
          io.out(r.diff);
          io.err(`${r.file} is out of date: run \`finbrain changelog\` and commit the result\n`);
          return 1;
        }
        io.err(r.written ? `wrote ${r.file} (${r.revisions.length} revisions)\n` : `${r.file} is up to date (${r.revisions.length} revisions)\n`);
        return 0;
      });
    });
}
