import type { CheckContext, CheckRegistry } from './check.js';
import { loadConfig } from '../config/load.js';
import { UsageError } from '../errors.js';
import type { CheckRun } from '../findings/finding.js';
import { ProjectFiles } from './project-files.js';

export interface RunChecksOptions {
  /** Check ids, or ['all'] for every enabled check. */
  ids: string[];
  cwd?: string;
  root?: string;
  configPath?: string;
  strict?: boolean;
  warn?: (message: string) => void;
  /** Flags only some checks take, by check id (e.g. `{ security: { history: true } }`). */
  options?: Record<string, Record<string, unknown>>;
}

export interface RunChecksResult {
  root: string;
  runs: CheckRun[];
  /** The shared file set of the run (how many reads reached the disk, …). */
  files: ProjectFiles;
}

export function enabledCheckIds(registry: CheckRegistry, checks: Record<string, { enabled?: boolean } | undefined>): string[] {
  return Object.keys(registry).filter((id) => checks[id]?.enabled !== false);
}

/** Runs one or more checks in one process over one shared file set. */
export async function runChecks(registry: CheckRegistry, options: RunChecksOptions): Promise<RunChecksResult> {
  const { config, root } = loadConfig({ cwd: options.cwd, root: options.root, configPath: options.configPath });
  const ids = options.ids.includes('all') ? enabledCheckIds(registry, config.checks as Record<string, { enabled?: boolean }>) : options.ids;
  for (const id of ids) {
    if (!registry[id]) {
      throw new UsageError(`unknown check "${id}"`, { hint: `Known checks: ${Object.keys(registry).join(', ')}, all.` });
    }
  }
  const context: CheckContext = {
    root,
    config,
    strict: options.strict ?? false,
    files: new ProjectFiles(root),
    warn: options.warn ?? ((m) => process.stderr.write(`${m}\n`)),
    options: options.options,
  };
  const runs: CheckRun[] = [];
  for (const id of ids) {
    const check = await registry[id]!.load();
    runs.push(await check.run(context));
  }
  // No code frame of any check may print a secret: the security scan's masking guards them all.
  const { guardSnippets } = await import('../security/snippet-guard.js');
  await guardSnippets(runs);
  return { root, runs, files: context.files };
}
