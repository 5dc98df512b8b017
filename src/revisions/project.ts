import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { loadConfig, type LoadedConfig } from '../config/load.js';
import type { FinbrainConfig } from '../config/schema.js';
import { ConfigError, UsageError } from '../errors.js';
import { RevisionGraph } from './revision-graph.js';
import { readRevisionFiles } from './revision-folder.js';

export interface ProjectOptions {
  cwd?: string;
  root?: string;
  configPath?: string;
  /** An already-loaded config (library use, tests). */
  loaded?: LoadedConfig;
  /**
   * A missing migrations folder is an empty chain instead of an error: for the
   * lint in `check all` and for `migrate new`, which creates the folder.
   */
  allowMissingDir?: boolean;
}

export interface MigrationProject {
  root: string;
  config: FinbrainConfig;
  migrationsDir: string;
  graph: RevisionGraph;
}

/**
 * Config, revision files and the validated graph: read statically, nothing
 * imported. A `--root` or `migrationsDir` that points nowhere is refused here,
 * before any database is opened: a typo must not migrate (or create) anything.
 */
export async function loadProject(options: ProjectOptions = {}): Promise<MigrationProject> {
  if (options.root && !options.loaded) {
    const root = resolve(options.cwd ?? process.cwd(), options.root);
    if (!existsSync(root) || !statSync(root).isDirectory()) {
      throw new UsageError(`--root ${options.root}: no such directory (${root})`, { hint: 'Pass the directory that holds finbrain.config.json and the migrations folder.' });
    }
  }
  const { config, root } = options.loaded ?? loadConfig({ cwd: options.cwd, root: options.root, configPath: options.configPath });
  const migrationsDir = isAbsolute(config.migrationsDir) ? config.migrationsDir : join(root, config.migrationsDir);
  if (!existsSync(migrationsDir)) {
    if (options.allowMissingDir) return { root, config, migrationsDir, graph: new RevisionGraph([]) };
    const shown = relative(process.cwd(), migrationsDir) || migrationsDir;
    throw new ConfigError(`no migrations folder at ${shown} (migrationsDir "${config.migrationsDir}" in project root ${root}); nothing was opened or created`, {
      files: [shown],
      hint: 'Run from the project root or pass --root, set migrationsDir in finbrain.config.json, or start a chain with `finbrain migrate new "first revision"`.',
    });
  }
  if (!statSync(migrationsDir).isDirectory()) {
    throw new ConfigError(`migrationsDir ${migrationsDir} is a file, not a folder`, { hint: 'Point migrationsDir at the folder that holds the revision files.' });
  }
  const files = await readRevisionFiles(migrationsDir, root);
  return { root, config, migrationsDir, graph: new RevisionGraph(files) };
}
