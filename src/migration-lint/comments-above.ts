/**
 * The one reader of comments above a statement, for suppressions
 * (`-- finbrain-lint-disable <rule>: <reason>`) and notes (`-- note: <why>`).
 * It looks at up to three lines directly above, past blank lines and comment
 * lines (`--` in SQL, `//` around a TS query), and stops at code.
 */
export function commentsAbove(lines: string[], line: number): string[] {
  const out: string[] = [];
  for (let l = line - 1; l >= Math.max(1, line - 3); l--) {
    const text = (lines[l - 1] ?? '').trim();
    if (!text) continue;
    if (!text.startsWith('--') && !text.startsWith('//')) break;
    out.push(text);
  }
  return out;
}

const DISABLE = /finbrain-lint-disable\s+([\w/-]+)\s*:\s*(\S.{2,})/;

/** Whether a comment suppresses `ruleId` (with or without its `migrations/` prefix); a reason is required. */
export function suppresses(comments: string[], ruleId: string): boolean {
  return comments.some((text) => {
    const m = DISABLE.exec(text);
    return !!m && (m[1] === ruleId || `migrations/${m[1]}` === ruleId);
  });
}

export function hasNote(comments: string[]): boolean {
  return comments.some((text) => /^(--|\/\/)\s*note:/i.test(text));
}
