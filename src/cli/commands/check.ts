import { Command, Option } from 'commander';
import { CHECKS } from '../../../checks/index.js';
import { createIo, emit, runAction } from '../io.js';

interface CheckFlags {
  format: 'text' | 'json' | 'sarif' | 'github';
  output?: string;
  root?: string;
  config?: string;
  strict?: boolean;
  json?: boolean;
  /** security only */
  history?: boolean;
  since?: string;
}

function addCheckOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('-f, --format <format>', 'report format').choices(['text', 'json', 'sarif', 'github']).default('text'))
    .option('--json', 'same as --format json')
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('--root <dir>', 'project root (default: the directory holding finbrain.config.json)')
    .option('-c, --config <file>', 'path to finbrain.config.json')
    .option('--strict', 'treat warnings that hide risk (e.g. unverifiable SQL) as errors');
}

async function runCheckCommand(ids: string[], flags: CheckFlags): Promise<void> {
  const format = flags.json ? 'json' : flags.format;
  const io = createIo({ json: format !== 'text' });
  await runAction(io, async () => {
    const { runChecks } = await import('../../../checks/index.js');
    const { reporters, exitCodeFor } = await import('../../report/index.js');
    const { packageVersion } = await import('../version.js');
    const options = flags.history || flags.since ? { security: { history: true, since: flags.since } } : undefined;
    const { runs } = await runChecks({ ids, root: flags.root, configPath: flags.config, strict: flags.strict, options, warn: (m) => io.err(`${m}\n`) });
    emit(io, reporters[format](runs, { colors: io.colors, toolVersion: packageVersion() }), flags.output);
    return exitCodeFor(runs);
  });
}

export function checkCommand(): Command {
  const check = new Command('check')
    .description('Run governance checks (exit 0 clean, 1 error findings, 2 config or usage error)')
    .addHelpText(
      'after',
      `\nExamples:\n  $ finbrain check all --format sarif --output finbrain.sarif\n  $ finbrain check single-writer --strict`,
    );
  for (const [id, entry] of Object.entries(CHECKS)) {
    const cmd = addCheckOptions(check.command(id).description(entry.description));
    if (id === 'security') {
      cmd
        .option('--history', 'also scan the lines every commit added (one git log -p pass)')
        .option('--since <rev>', 'with --history: only commits after <rev> (implies --history)')
        .addHelpText('after', '\nExamples:\n  $ finbrain check security --history\n  $ finbrain check security --history --since v1.4.0 --format sarif');
    } else cmd.addHelpText('after', `\nExample:\n  $ finbrain check ${id} --format json`);
    cmd.action((flags: CheckFlags) => runCheckCommand([id], flags));
  }
  addCheckOptions(check.command('all').description('run every enabled check in one process and merge the findings'))
    .addHelpText('after', '\nExample:\n  $ finbrain check all --format github')
    .action((flags: CheckFlags) => runCheckCommand(['all'], flags));
  return check;
}
