import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { ConfigError } from '../errors.js';
import { loadProject, type ProjectOptions } from '../revisions/project.js';
import { collectChangelog, type ChangelogEntry } from './collect.js';
import { mergeIntoDocument, renderSection } from './render.js';

export interface ChangelogOptions extends ProjectOptions {
  /** CHANGELOG.md path, relative to the project root. */
  file?: string;
  /** Write nothing; report whether the file is up to date. */
  check?: boolean;
  /** Write nothing; return the content. */
  dryRun?: boolean;
  title?: string;
}

export interface ChangelogResult {
  file: string;
  /** The full document as it should be. */
  content: string;
  /** Whether the file on disk differs from it (before writing). */
  stale: boolean;
  /** Unified diff from the file on disk to the generated content (empty when fresh). */
  diff: string;
  written: boolean;
  revisions: ChangelogEntry[];
  warnings: string[];
}

/** Collects the metadata, renders the history section and merges it into CHANGELOG.md. */
export async function runChangelog(o: ChangelogOptions = {}): Promise<ChangelogResult> {
  const project = await loadProject(o);
  const path = isAbsolute(o.file ?? '') ? o.file! : join(project.root, o.file ?? 'CHANGELOG.md');
  const data = await collectChangelog(project);
  const existing = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  const { title, preambleFile } = project.config.changelog;
  const merged = mergeIntoDocument(existing, renderSection(data.revisions), o.title ?? title, existing === undefined ? readPreamble(project.root, preambleFile) : undefined);
  const stale = merged.content !== existing;
  const rel = relative(project.root, path) || 'CHANGELOG.md';
  const diff = stale ? createTwoFilesPatch(`a/${rel}`, `b/${rel}`, existing ?? '', merged.content, undefined, undefined, { context: 3 }) : '';
  const written = stale && !o.check && !o.dryRun;
  if (written) writeFileSync(path, merged.content);
  return { file: rel, content: merged.content, stale, diff, written, revisions: data.revisions, warnings: [...data.warnings, ...merged.warnings] };
}

/** The project's own opening text for a new CHANGELOG.md (`changelog.preambleFile`), if it has one. */
function readPreamble(root: string, file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  const path = isAbsolute(file) ? file : join(root, file);
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`changelog.preambleFile: cannot read ${file}`, { files: [file], hint: 'Create that file, or remove changelog.preambleFile from finbrain.config.json to use the default title and introduction.', cause: e });
  }
}
