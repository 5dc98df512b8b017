import type { Finding, RuleMeta } from '../findings/finding.js';
import picomatch from 'picomatch';
import { CODEOWNERS_LOCATIONS, ownersOf, parseCodeowners } from './parse.js';
import { isGlob } from './protected-paths.js';

export const CODEOWNERS_RULES: RuleMeta[] = [
  { id: 'codeowners/missing', shortDescription: 'No CODEOWNERS file', fullDescription: 'Protected paths need owners, and owners need a CODEOWNERS file in the root, docs/ or .github/.', help: 'Add a CODEOWNERS file that assigns every protected path to a team.', defaultSeverity: 'error' },
  { id: 'codeowners/syntax', shortDescription: 'CODEOWNERS syntax error', fullDescription: 'GitHub disables the whole file when one line is invalid.', help: 'Remove `!`, `[ ]` and `\\#` from patterns.', defaultSeverity: 'error' },
  { id: 'codeowners/invalid-owner', shortDescription: 'Owner is not @user, @org/team or an email', fullDescription: 'GitHub ignores owners it cannot parse, so the path may end up with no reviewer.', help: 'Write owners as @user, @org/team or name@example.com.', defaultSeverity: 'error' },
  { id: 'codeowners/duplicate-pattern', shortDescription: 'Pattern listed twice', fullDescription: 'Only the last of two identical patterns has any effect.', help: 'Merge the owners into one line.', defaultSeverity: 'warning' },
  { id: 'codeowners/no-match', shortDescription: 'Pattern matches no tracked file', fullDescription: 'A pattern that matches nothing is dead, often a typo or a moved directory.', help: 'Fix the path or delete the line.', defaultSeverity: 'warning' },
  { id: 'codeowners/unowned-protected-path', shortDescription: 'A protected path has no owner', fullDescription: 'Changes to protected paths (the writer, the guard, migrations, checks, CI, CODEOWNERS, config) need an owner review.', help: 'Add a CODEOWNERS line that assigns it to a team, after any broader line that unassigns it.', defaultSeverity: 'error' },
];

export interface CodeownersInput {
  /** Text by location, for the first CODEOWNERS found. */
  file?: { path: string; text: string };
  tracked: string[];
  protectedPaths: string[];
}

export function analyzeCodeowners(input: CodeownersInput): Finding[] {
  if (!input.file) {
    return [
      {
        ruleId: 'codeowners/missing',
        severity: 'error',
        file: 'CODEOWNERS',
        line: 1,
        column: 1,
        message: `no CODEOWNERS file (looked in ${CODEOWNERS_LOCATIONS.join(', ')}): nobody has to review changes to ${input.protectedPaths.join(', ')}`,
        hint: `Create .github/CODEOWNERS with one line per protected path, e.g. ${input.protectedPaths
          .map((p) => `\`${codeownersPattern(p === 'CODEOWNERS' ? '.github/CODEOWNERS' : p)} @your-org/your-team\``)
          .join(', ')}, and commit it.`,
      },
    ];
  }
  const { path, text } = input.file;
  const { rules, issues } = parseCodeowners(text);
  const lines = text.split('\n');
  const snippet = (line: number) => ({ startLine: line, lines: [lines[line - 1] ?? ''] });
  const out: Finding[] = issues.map((i) => ({
    ruleId: i.kind === 'syntax' ? 'codeowners/syntax' : 'codeowners/invalid-owner',
    severity: 'error' as const,
    file: path,
    line: i.line,
    column: i.column,
    message: i.message,
    hint: i.kind === 'syntax' ? 'GitHub ignores the whole file when one line is invalid: fix this pattern.' : 'Write owners as @user, @org/team or name@example.com.',
    snippet: snippet(i.line),
  }));
  const seen = new Map<string, number>();
  for (const r of rules) {
    const norm = r.pattern.replace(/^\//, '');
    const first = seen.get(norm);
    if (first !== undefined) {
      out.push({ ruleId: 'codeowners/duplicate-pattern', severity: 'warning', file: path, line: r.line, column: 1, message: `pattern "${r.pattern}" is already on line ${first}; only the last one counts`, hint: 'Merge the owners into one line.', snippet: snippet(r.line) });
    } else seen.set(norm, r.line);
    if (r.pattern !== '*' && r.pattern !== '**' && !input.tracked.some((f) => r.regex.test(f))) {
      out.push({ ruleId: 'codeowners/no-match', severity: 'warning', file: path, line: r.line, column: 1, message: `pattern "${r.pattern}" matches no tracked file`, hint: 'Fix the path or delete the line.', snippet: snippet(r.line) });
    }
  }
  for (const configured of input.protectedPaths) {
    // `CODEOWNERS` means the file itself, wherever GitHub found it.
    const p = configured === 'CODEOWNERS' ? path : configured;
    const isDir = p.endsWith('/');
    const glob = !isDir && isGlob(p);
    const matches = glob ? picomatch(p, { dot: true }) : undefined;
    const under = input.tracked.filter((f) => (matches ? matches(f) : isDir ? f.startsWith(p) : f === p));
    // A glob that matches no tracked file names nothing to own yet; a missing directory or file
    // must still be owned before anything lands there.
    if (glob && !under.length) continue;
    const targets = under.length ? under : [isDir ? `${p}.keep` : p];
    const unowned = targets.filter((f) => ownersOf(rules, f).owners.length === 0);
    if (unowned.length) {
      out.push({
        ruleId: 'codeowners/unowned-protected-path',
        severity: 'error',
        file: path,
        line: 1,
        column: 1,
        path: p,
        message: `protected path ${p} has no owner${under.length ? ` (${unowned.length} of ${under.length} files, e.g. ${unowned[0]})` : ''}`,
        hint: `Add a line such as \`${codeownersPattern(p)} @your-org/your-team\` at the end of ${path}.`,
      });
    }
  }
  return out;
}

/** A protected path as a root-anchored CODEOWNERS pattern. */
export function codeownersPattern(path: string): string {
  return `/${path.replace(/^\/+/, '')}`;
}
