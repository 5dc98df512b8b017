/**
 * CODEOWNERS with GitHub's semantics: gitignore-like patterns, the last
 * matching line wins, a line with no owners unassigns. `!`, `[ ]` and `\#`
 * are not supported by GitHub, and one invalid line disables the whole file
 * there, so they are syntax errors here.
 */
export interface CodeownersRule {
  pattern: string;
  owners: string[];
  line: number;
  regex: RegExp;
}

export interface CodeownersIssue {
  kind: 'syntax' | 'owner';
  line: number;
  column: number;
  message: string;
}

export const CODEOWNERS_LOCATIONS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'];

const OWNER = /^(@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(\/[A-Za-z0-9][A-Za-z0-9._-]*)?|[^@\s]+@[^@\s]+\.[^@\s]+)$/;

/** gitignore-style pattern → regex over a root-relative POSIX path. */
export function patternToRegex(pattern: string): RegExp {
  let p = pattern;
  const dirOnly = p.endsWith('/');
  if (dirOnly) p = p.slice(0, -1);
  const anchored = p.startsWith('/') || p.includes('/');
  if (p.startsWith('/')) p = p.slice(1);
  const shallow = p.endsWith('/*');
  let body = '';
  for (let i = 0; i < p.length; i++) {
    const ch = p[i]!;
    if (ch === '*' && p[i + 1] === '*') {
      if (p[i + 2] === '/') {
        body += '(?:.*/)?';
        i += 2;
      } else {
        body += '.*';
        i += 1;
      }
    } else if (ch === '*') body += '[^/]*';
    else if (ch === '?') body += '[^/]';
    else body += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  const prefix = anchored ? '^' : '^(?:.*/)?';
  // `docs/*` is not recursive on GitHub; a directory pattern covers what is under it.
  const suffix = shallow ? '$' : dirOnly ? '/.*$' : '(?:/.*)?$';
  return new RegExp(prefix + body + suffix);
}

export function parseCodeowners(text: string): { rules: CodeownersRule[]; issues: CodeownersIssue[] } {
  const rules: CodeownersRule[] = [];
  const issues: CodeownersIssue[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const content = raw.replace(/\s+#.*$/, '').trim();
    if (!content || content.startsWith('#')) return;
    const [pattern, ...owners] = content.split(/\s+/);
    const bad = /(^!)|[[\]]|\\#/.exec(pattern!);
    if (bad) {
      issues.push({ kind: 'syntax', line, column: raw.indexOf(pattern!) + 1, message: `pattern "${pattern}" uses "${bad[0]}", which CODEOWNERS does not support (GitHub ignores the whole file)` });
      return;
    }
    for (const o of owners) {
      if (!OWNER.test(o)) issues.push({ kind: 'owner', line, column: raw.indexOf(o) + 1, message: `owner "${o}" is not @user, @org/team or an email address` });
    }
    rules.push({ pattern: pattern!, owners, line, regex: patternToRegex(pattern!) });
  });
  return { rules, issues };
}

/** Owners of a path: those of the last matching rule (empty = unowned). */
export function ownersOf(rules: CodeownersRule[], path: string): { owners: string[]; rule?: CodeownersRule } {
  for (let i = rules.length - 1; i >= 0; i--) if (rules[i]!.regex.test(path)) return { owners: rules[i]!.owners, rule: rules[i] };
  return { owners: [] };
}
