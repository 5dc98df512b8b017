import type { ChalkInstance } from 'chalk';
import { summarize, sortFindings, type CheckRun, type Finding } from '../findings/finding.js';

function codeFrame(f: Finding, c: ChalkInstance): string[] {
  if (!f.snippet) return [];
  const width = String(f.snippet.startLine + f.snippet.lines.length - 1).length;
  const out: string[] = [];
  f.snippet.lines.forEach((text, i) => {
    const n = f.snippet!.startLine + i;
    const mark = n === f.line ? c.red('>') : ' ';
    out.push(`  ${mark} ${c.dim(String(n).padStart(width))} | ${text}`);
    if (n === f.line) out.push(`    ${' '.repeat(width)} | ${' '.repeat(Math.max(0, f.column - 1))}${c.red('^')}`);
  });
  return out;
}

/** For people: grouped by file, with a code frame and the fix. */
export function renderText(runs: CheckRun[], c: ChalkInstance): string {
  const out: string[] = [];
  const all = runs.flatMap((r) => r.findings.map((f) => ({ ...f, check: r.checkId })));
  const byFile = new Map<string, Finding[]>();
  for (const f of sortFindings(all)) {
    const list = byFile.get(f.file) ?? [];
    list.push(f);
    byFile.set(f.file, list);
  }
  for (const [file, findings] of byFile) {
    out.push(c.underline(file));
    for (const f of findings) {
      const sev = f.severity === 'error' ? c.red('error') : f.severity === 'warning' ? c.yellow('warning') : c.blue('note');
      out.push(`  ${c.dim(`${f.line}:${f.column}`)}  ${sev}  ${f.message}  ${c.dim(f.ruleId)}`);
      out.push(...codeFrame(f, c));
      if (f.hint) out.push(`    ${c.green('fix:')} ${f.hint}`);
    }
    out.push('');
  }
  const s = summarize(all);
  const checks = runs.map((r) => r.checkId).join(', ');
  if (s.total === 0) out.push(c.green(`✓ ${checks}: no findings`));
  else
    out.push(
      `${s.errors ? c.red(`✖ ${s.errors} error${s.errors === 1 ? '' : 's'}`) : c.green('0 errors')}, ${s.warnings} warning${s.warnings === 1 ? '' : 's'}${s.notes ? `, ${s.notes} note${s.notes === 1 ? '' : 's'}` : ''} (${checks})`,
    );
  return `${out.join('\n')}\n`;
}
