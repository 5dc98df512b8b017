/**
 * The shared result model of every check. Checks return data; reporters
 * (text, json, sarif, github) are pure functions of it.
 */
export type Severity = 'error' | 'warning' | 'note';

export interface Finding {
  ruleId: string;
  severity: Severity;
  /** Relative to the project root, POSIX separators. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  message: string;
  /** How to fix it. */
  hint?: string;
  /** The source line(s) around the finding, for the text reporter's code frame. */
  snippet?: { startLine: number; lines: string[] };
  /** Extra, check-specific fields (table, operation, …) that appear in JSON output. */
  [extra: string]: unknown;
}

export interface RuleMeta {
  id: string;
  shortDescription: string;
  fullDescription: string;
  help: string;
  defaultSeverity: Severity;
  helpUri?: string;
}

export interface CheckRun {
  /** The check id, e.g. `single-writer`; also the SARIF automationDetails category. */
  checkId: string;
  rules: RuleMeta[];
  findings: Finding[];
  /** Check-specific numbers (files scanned, …) for JSON and text summaries. */
  stats?: Record<string, number | string>;
}

export interface Summary {
  errors: number;
  warnings: number;
  notes: number;
  total: number;
}

export function summarize(findings: Finding[]): Summary {
  const s: Summary = { errors: 0, warnings: 0, notes: 0, total: findings.length };
  for (const f of findings) {
    if (f.severity === 'error') s.errors++;
    else if (f.severity === 'warning') s.warnings++;
    else s.notes++;
  }
  return s;
}

/** Stable order: file, line, column, rule. */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId),
  );
}

/** 0 when there is no error-level finding, 1 otherwise. */
export function exitCodeFor(runs: CheckRun[]): 0 | 1 {
  return runs.some((r) => r.findings.some((f) => f.severity === 'error')) ? 1 : 0;
}
