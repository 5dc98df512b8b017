import { isAbsolute, join } from 'node:path';
import { loadConfig, type LoadedConfig } from '../config/load.js';
import type { FinbrainConfig } from '../config/schema.js';
import { RevisionGraph } from '../revisions/revision-graph.js';
import { readRevisionFiles } from '../revisions/revision-file.js';

export interface ProjectOptions {
  cwd?: string;
  root?: string;
  configPath?: string;
  /** An already-loaded config (library use, tests). */
  loaded?: LoadedConfig;
}

export interface MigrationProject {
  root: string;
  config: FinbrainConfig;
  migrationsDir: string;
  graph: RevisionGraph;
}

/** Config, revision files and the validated graph: read statically, nothing imported. */
export async function loadProject(options: ProjectOptions = {}): Promise<MigrationProject> {
  const { config, root } = options.loaded ?? loadConfig({ cwd: options.cwd, root: options.root, configPath: options.configPath });
  const migrationsDir = isAbsolute(config.migrationsDir) ? config.migrationsDir : join(root, config.migrationsDir);
  const files = await readRevisionFiles(migrationsDir, root);
  return { root, config, migrationsDir, graph: new RevisionGraph(files) };
}
