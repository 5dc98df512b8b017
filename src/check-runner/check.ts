import type { FinbrainConfig } from '../config/schema.js';
import type { CheckRun } from '../findings/finding.js';
import type { ProjectFiles } from './project-files.js';

export interface CheckContext {
  /** Project root (the directory holding finbrain.config.json, or --root). */
  root: string;
  config: FinbrainConfig;
  /** --strict: warnings that would hide a risk become errors. */
  strict: boolean;
  /**
   * The file set shared by every check in one run: a file read or listed by one
   * check is not read again by the next.
   */
  files: ProjectFiles;
  /** Diagnostics (stderr). */
  warn(message: string): void;
  /** Flags only some checks take (e.g. security's `history`, `since`), by check id. */
  options?: Record<string, Record<string, unknown>>;
}

/**
 * One governance check: a module in the top-level checks/ folder implements
 * this contract; the runner never imports checks/ (the registry is passed in).
 */
export interface Check {
  id: string;
  run(context: CheckContext): Promise<CheckRun>;
}

export interface CheckEntry {
  /** The one description of the check (CLI help, docs); the module itself carries none, so the two cannot disagree. */
  description: string;
  /** Lazy, so `check codeowners` never loads ts-morph. */
  load(): Promise<Check>;
}

/** Check ids to their lazily loaded modules. */
export type CheckRegistry = Record<string, CheckEntry>;
