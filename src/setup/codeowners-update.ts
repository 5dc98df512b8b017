import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { codeownersPattern } from '../codeowners/analyze.js';
import { CODEOWNERS_LOCATIONS, ownersOf, parseCodeowners } from '../codeowners/parse.js';
import { isGlob } from '../codeowners/protected-paths.js';

export interface CodeownersPlan {
  /** The CODEOWNERS found, if any. */
  file?: string;
  /** The new text, when lines are to be appended. */
  text?: string;
  added: string[];
  /** Writer paths that still have no owner (no CODEOWNERS, or nobody to give them to). */
  unowned: string[];
}

/**
 * A new writer module must have an owner, like the config that names it. When
 * CODEOWNERS leaves a writer unowned, it gets the owners of the config file
 * (the people who decide what is protected), in a line appended at the end.
 * Lines that already give it an owner are left alone.
 */
export function planWriterOwners(root: string, configRel: string, writers: { path: string; files: string[] }[]): CodeownersPlan {
  const file = CODEOWNERS_LOCATIONS.find((p) => existsSync(join(root, p)));
  if (!file) return { added: [], unowned: writers.map((w) => w.path) };
  const original = readFileSync(join(root, file), 'utf8');
  const { rules, issues } = parseCodeowners(original);
  const configOwners = issues.length ? [] : ownersOf(rules, configRel).owners;
  const added: string[] = [];
  const unowned: string[] = [];
  for (const w of writers) {
    if (w.files.every((f) => ownersOf(rules, f).owners.length > 0)) continue;
    // CODEOWNERS has no braces or character classes: such a glob needs a hand-written line.
    if (!configOwners.length || (isGlob(w.path) && /[{}[\]!]/.test(w.path))) unowned.push(w.path);
    else added.push(`${codeownersPattern(w.path)} ${configOwners.join(' ')}`);
  }
  if (!added.length) return { file, added, unowned };
  const sep = original.length === 0 || original.endsWith('\n') ? '' : '\n';
  return { file, text: `${original}${sep}${added.join('\n')}\n`, added, unowned };
}
