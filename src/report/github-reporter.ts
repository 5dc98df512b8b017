import { sortFindings, type CheckRun } from '../findings/finding.js';

// GitHub workflow commands need %, CR, LF escaped in data, and also , and : in properties.
const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProp = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** `::error file=…,line=…,col=…,title=…::message` annotations. */
export function renderGithub(runs: CheckRun[]): string {
  const lines: string[] = [];
  for (const run of runs) {
    for (const f of sortFindings(run.findings)) {
      const level = f.severity === 'note' ? 'notice' : f.severity;
      const text = f.hint ? `${f.message} Fix: ${f.hint}` : f.message;
      lines.push(
        `::${level} file=${escapeProp(f.file)},line=${f.line},col=${f.column},title=${escapeProp(f.ruleId)}::${escapeData(text)}`,
      );
    }
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}
