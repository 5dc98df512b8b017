import type { Finding } from '../findings/finding.js';
import type { ModuleIndex } from '../ts-analysis/module-index.js';

export interface SingleWriterOptions {
  /** The project root: files under it are checked; files outside it are read for resolution only. */
  root: string;
  protectedTables: string[];
  writers: string[];
  include: string[];
  exclude: string[];
  wrappers?: string[];
  strict?: boolean;
  /** Shared file reader (check all reads each file once). */
  readText?: (relPath: string) => string | undefined;
  /** A module index shared with other checks of the same run (each file parsed once). */
  index?: ModuleIndex;
  /** Builds the shared index only when something must be parsed (a full cache hit never loads TypeScript). */
  getIndex?: () => Promise<ModuleIndex>;
  /** Worker threads for large runs (at most this many, one per 600 files, not more than the CPUs); default 1: in this thread, which wins on a busy machine. */
  workers?: number;
  /** Folder of the content-hash cache (`.finbrain/cache`); no cache when unset. */
  cacheDir?: string;
  /** The project's migrations folder (relative to the root): the foreign keys its revisions make say what a DELETE also deletes. */
  migrationsDir?: string;
}

export interface SingleWriterStats {
  files: number;
  writerFiles: number;
  sinks: number;
  protectedWrites: number;
  unverifiable: number;
  /** Findings whose receiver was recognised by name only. */
  heuristic: number;
  /** Imports of project code that do not resolve, and their texts. */
  unresolvedImports: number;
  unresolvedSpecifiers: string;
  /** Well-formed package names imported but declared by no package.json (followed as packages), and their names. */
  undeclaredPackages: number;
  undeclaredPackageNames: string;
  /** Files whose result came from the cache. */
  cachedFiles: number;
  [key: string]: number | string;
}

export interface SingleWriterResult {
  findings: Finding[];
  stats: SingleWriterStats;
}
