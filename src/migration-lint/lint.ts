import type { FinbrainConfig } from '../config/schema.js';
import { SqlSyntaxError } from '../errors.js';
import type { Finding } from '../findings/finding.js';
import type { RevisionFile } from '../revisions/revision-file.js';
import type { RevisionGraph } from '../revisions/revision-graph.js';
import { sectionSql } from '../revisions/revision-sql.js';
import { classifySql, lineColumnAt, type ClassifiedStatement, type PgNode } from '../sql/index.js';
import { targetRelation } from '../sql/relations.js';
import { commentsAbove, hasNote, suppresses } from './comments-above.js';
import type { LintContext } from './rule.js';
import { RULES, SYNTAX_RULE } from './rules/index.js';

/** The column a `CHECK (col IS NOT NULL)` constraint proves, if that is what it is. */
function notNullColumn(expr: PgNode | undefined): string | undefined {
  const test = expr?.NullTest;
  if (!test || test.nulltesttype !== 'IS_NOT_NULL') return undefined;
  return (test.arg?.ColumnRef?.fields ?? []).at(-1)?.String?.sval;
}

/** Facts a statement establishes for the statements after it (and for later revisions). */
function learn(s: ClassifiedStatement, createdHere: Set<string>, notNullChecks: Set<string>): void {
  const table = targetRelation(s, 'public')?.toLowerCase();
  if (!table) return;
  if (s.kind === 'CreateStmt') createdHere.add(table);
  if (s.kind === 'AlterTableStmt') {
    for (const { AlterTableCmd: cmd } of s.node.cmds ?? []) {
      const con = cmd?.subtype === 'AT_AddConstraint' ? cmd.def?.Constraint : undefined;
      const column = con?.contype === 'CONSTR_CHECK' ? notNullColumn(con.raw_expr) : undefined;
      if (column) notNullChecks.add(`${table}.${column}`);
    }
  }
}

export interface LintResult {
  findings: Finding[];
  stats: { revisions: number; statements: number; unreadable: number };
}

function lintRevision(file: RevisionFile, statements: ClassifiedStatement[], lineOf: (s: ClassifiedStatement) => number, o: { config: FinbrainConfig; notNullChecks: Set<string>; findings: Finding[] }) {
  const lines = file.content.split('\n');
  const createdHere = new Set<string>();
  const reportedOnce = new Set<string>();
  let ruleId = '';
  const comments = (s: ClassifiedStatement) => commentsAbove(lines, lineOf(s));
  const c: LintContext = {
    file,
    inTransaction: file.transaction === 'true',
    createdHere,
    notNullChecks: o.notNullChecks,
    setsLockTimeout: statements.some((s) => s.kind === 'VariableSetStmt' && s.node.name === 'lock_timeout'),
    engineLockTimeoutOff: o.config.migrate.lockTimeoutMs === 0,
    explained: (s, name) => hasNote(comments(s)) || file.description.toLowerCase().includes(name.toLowerCase()),
    report(s, message, opts) {
      if (opts?.once && reportedOnce.has(ruleId)) return;
      if (suppresses(comments(s), ruleId)) return;
      reportedOnce.add(ruleId);
      const rule = RULES.find((r) => r.meta.id === ruleId)!;
      const line = lineOf(s);
      o.findings.push({
        ruleId,
        severity: rule.meta.defaultSeverity,
        file: file.relPath,
        line,
        column: 1,
        revision: file.revision,
        message,
        hint: rule.meta.help,
        snippet: { startLine: line, lines: [lines[line - 1] ?? ''] },
      });
    },
  };
  for (const s of statements) {
    learn(s, createdHere, o.notNullChecks);
    for (const rule of RULES) {
      ruleId = rule.meta.id;
      rule.check(s, c);
    }
  }
}

/** Lints every revision's up SQL along the chain: SQL sections, and the static SQL of TS revisions. */
export function lintMigrations(graph: RevisionGraph, config: FinbrainConfig): LintResult {
  const findings: Finding[] = [];
  const stats = { revisions: 0, statements: 0, unreadable: 0 };
  const notNullChecks = new Set<string>();
  for (const file of graph.order) {
    stats.revisions++;
    const up = sectionSql(file, 'up');
    if (up.kind !== 'sql') {
      stats.unreadable++;
      continue;
    }
    let statements: ClassifiedStatement[];
    try {
      statements = classifySql(up.sql);
    } catch (e) {
      if (!(e instanceof SqlSyntaxError)) throw e;
      findings.push({ ruleId: SYNTAX_RULE.id, severity: 'error', file: file.relPath, line: up.lineAt(e.position ?? 0), column: 1, message: `SQL syntax error: ${e.message}`, hint: SYNTAX_RULE.help });
      continue;
    }
    stats.statements += statements.length;
    // A statement's line is that of its first token, past the comments that lead it.
    const lineOf = (s: ClassifiedStatement) => up.lineAt(s.start) + s.line - lineColumnAt(up.sql, s.start).line;
    lintRevision(file, statements, lineOf, { config, notNullChecks, findings });
  }
  return { findings, stats };
}
