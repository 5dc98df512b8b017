import type { FinbrainConfig } from '../config/schema.js';
import type { RevisionGraph } from '../revisions/revision-graph.js';
import type { RevisionFile } from '../revisions/revision-file.js';
import { extractStaticSql } from '../revisions/static-sql.js';
import type { Finding } from '../findings/finding.js';
import { SqlSyntaxError } from '../errors.js';
import { classifySql, type ClassifiedStatement, type PgNode } from '../sql/index.js';
import { LINT_RULES } from './rules.js';

const VOLATILE = new Set(['random', 'clock_timestamp', 'gen_random_uuid', 'uuid_generate_v4', 'uuid_generate_v1', 'timeofday', 'txid_current', 'nextval', 'setseed']);
const LOCKING_DDL = new Set(['AlterTableStmt', 'IndexStmt', 'RenameStmt', 'DropStmt', 'CreateTrigStmt', 'AlterEnumStmt']);

const rule = (id: string) => LINT_RULES.find((r) => r.id === id)!;
const rel = (rv: PgNode | undefined) => (rv?.relname ? `${rv.schemaname ?? 'public'}.${rv.relname}`.toLowerCase() : undefined);

function funcNames(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => funcNames(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'FuncCall') out.push(((v as PgNode).funcname ?? []).map((n: PgNode) => n.String?.sval).at(-1));
      funcNames(v, out);
    }
  }
  return out;
}

interface Ctx {
  file: RevisionFile;
  sql: string;
  lines: string[];
  /** First line of the SQL in the file. */
  baseLine: number;
  inTransaction: boolean;
  existing: Set<string>;
  createdHere: Set<string>;
  notNullChecks: Set<string>;
  setsLockTimeout: boolean;
  engineLockTimeoutOff: boolean;
  findings: Finding[];
}

function suppressed(c: Ctx, line: number, ruleId: string): boolean {
  for (let l = line - 1; l >= Math.max(1, line - 3); l--) {
    const text = c.lines[l - 1] ?? '';
    const m = /finbrain-lint-disable\s+([\w/-]+)\s*:\s*(\S.{2,})/.exec(text);
    if (m && (m[1] === ruleId || `migrations/${m[1]}` === ruleId)) return true;
    if (text.trim() && !text.trim().startsWith('--')) break;
  }
  return false;
}

function report(c: Ctx, s: ClassifiedStatement, ruleId: string, why: string): void {
  const line = c.baseLine + s.line - 1;
  if (suppressed(c, line, ruleId)) return;
  const r = rule(ruleId);
  c.findings.push({
    ruleId,
    severity: r.defaultSeverity,
    file: c.file.relPath,
    line,
    column: 1,
    revision: c.file.revision,
    message: why,
    hint: r.help,
    snippet: { startLine: line, lines: [c.lines[line - 1] ?? ''] },
  });
}

function hasNote(c: Ctx, s: ClassifiedStatement, name: string): boolean {
  const line = c.baseLine + s.line - 1;
  for (let l = line - 1; l >= Math.max(1, line - 3); l--) if (/--\s*note:/i.test(c.lines[l - 1] ?? '')) return true;
  return c.file.description.toLowerCase().includes(name.toLowerCase());
}

function lintStatement(c: Ctx, s: ClassifiedStatement): void {
  const n = s.node;
  const nonTx = !c.inTransaction;
  switch (s.kind) {
    case 'CreateStmt': {
      const t = rel(n.relation);
      if (t) c.createdHere.add(t);
      if (nonTx && !n.if_not_exists) report(c, s, 'migrations/non-idempotent', `CREATE TABLE ${n.relation.relname} without IF NOT EXISTS in a non-transactional revision`);
      break;
    }
    case 'IndexStmt': {
      const t = rel(n.relation)!;
      const existed = !c.createdHere.has(t);
      if (!n.concurrent && existed) report(c, s, 'migrations/require-concurrent-index', `CREATE INDEX on ${n.relation.relname}, which existed before this revision, without CONCURRENTLY: writes are blocked for the whole build`);
      if (n.concurrent && c.inTransaction) report(c, s, 'migrations/concurrently-in-transaction', 'CREATE INDEX CONCURRENTLY in a transactional revision: Postgres refuses it');
      if (nonTx && !n.if_not_exists) report(c, s, 'migrations/non-idempotent', 'CREATE INDEX without IF NOT EXISTS in a non-transactional revision');
      break;
    }
    case 'DropStmt': {
      if (n.concurrent && c.inTransaction) report(c, s, 'migrations/concurrently-in-transaction', 'DROP INDEX CONCURRENTLY in a transactional revision: Postgres refuses it');
      if (nonTx && !n.missing_ok) report(c, s, 'migrations/non-idempotent', 'DROP without IF EXISTS in a non-transactional revision');
      if (n.removeType === 'OBJECT_TABLE') {
        for (const o of n.objects ?? []) {
          const name = (o.List?.items ?? []).map((i: PgNode) => i.String?.sval).join('.');
          if (!hasNote(c, s, name.split('.').at(-1)!)) report(c, s, 'migrations/drop-without-note', `DROP TABLE ${name} without a note saying why dropping its data is safe`);
        }
      }
      break;
    }
    case 'RenameStmt': {
      if (n.renameType === 'OBJECT_COLUMN' || n.renameType === 'OBJECT_TABLE') {
        report(c, s, 'migrations/rename', `renaming ${n.renameType === 'OBJECT_COLUMN' ? `column ${n.subname}` : `table ${n.relation?.relname}`} to ${n.newname} breaks code that still uses the old name`);
      }
      if (nonTx && !n.missing_ok && n.renameType === 'OBJECT_INDEX') report(c, s, 'migrations/non-idempotent', 'ALTER INDEX … RENAME without IF EXISTS in a non-transactional revision');
      break;
    }
    case 'AlterTableStmt': {
      const t = rel(n.relation)!;
      const isNew = c.createdHere.has(t);
      for (const cmdWrap of n.cmds ?? []) {
        const cmd = cmdWrap.AlterTableCmd;
        if (!cmd) continue;
        switch (cmd.subtype) {
          case 'AT_AddColumn': {
            const def = cmd.def?.ColumnDef;
            const dflt = (def?.constraints ?? []).find((x: PgNode) => x.Constraint?.contype === 'CONSTR_DEFAULT');
            const volatile = dflt && funcNames(dflt).find((f) => VOLATILE.has(f));
            if (volatile && !isNew) report(c, s, 'migrations/volatile-default', `ADD COLUMN ${def.colname} with the volatile default ${volatile}(): the table is rewritten under an exclusive lock`);
            if (nonTx && !cmd.missing_ok) report(c, s, 'migrations/non-idempotent', `ADD COLUMN ${def?.colname} without IF NOT EXISTS in a non-transactional revision`);
            break;
          }
          case 'AT_DropColumn':
            if (!hasNote(c, s, cmd.name)) report(c, s, 'migrations/drop-without-note', `DROP COLUMN ${cmd.name} without a note saying why dropping its data is safe`);
            if (nonTx && !cmd.missing_ok) report(c, s, 'migrations/non-idempotent', `DROP COLUMN ${cmd.name} without IF EXISTS in a non-transactional revision`);
            break;
          case 'AT_SetNotNull':
            if (!isNew && !c.notNullChecks.has(`${t}.${cmd.name}`)) report(c, s, 'migrations/set-not-null', `SET NOT NULL on ${n.relation.relname}.${cmd.name} scans the table under an exclusive lock`);
            break;
          case 'AT_AddConstraint': {
            const con = cmd.def?.Constraint;
            if (con?.contype === 'CONSTR_CHECK') {
              const cols = JSON.stringify(con.raw_expr ?? {});
              const m = /"NullTest".*?"sval":"([^"]+)".*?"nulltesttype":"IS_NOT_NULL"/.exec(cols);
              if (m) c.notNullChecks.add(`${t}.${m[1]}`);
            }
            if ((con?.contype === 'CONSTR_FOREIGN' || con?.contype === 'CONSTR_CHECK') && !con.skip_validation && !isNew) {
              report(c, s, 'migrations/constraint-not-valid', `ADD ${con.contype === 'CONSTR_FOREIGN' ? 'FOREIGN KEY' : 'CHECK'} ${con.conname ?? ''} without NOT VALID: the table is scanned under a write-blocking lock`.replace('  ', ' '));
            }
            break;
          }
          case 'AT_AlterColumnType':
            if (!isNew) report(c, s, 'migrations/change-column-type', `ALTER COLUMN ${cmd.name} TYPE rewrites ${n.relation.relname} under an exclusive lock`);
            break;
          default:
            break;
        }
      }
      break;
    }
    default:
      break;
  }
  if (c.engineLockTimeoutOff && !c.setsLockTimeout && LOCKING_DDL.has(s.kind)) {
    const t = rel(n.relation);
    if (!t || !c.createdHere.has(t)) {
      report(c, s, 'migrations/require-lock-timeout', `${s.kind.replace('Stmt', '')} takes a lock with no lock_timeout (the engine's is off)`);
      c.setsLockTimeout = true; // once per revision
    }
  }
}

export interface LintResult {
  findings: Finding[];
  stats: { revisions: number; statements: number; unreadable: number };
}

/** Lints every revision's up SQL along the chain. */
export function lintMigrations(graph: RevisionGraph, config: FinbrainConfig): LintResult {
  const findings: Finding[] = [];
  const stats = { revisions: 0, statements: 0, unreadable: 0 };
  const existing = new Set<string>();
  const notNullChecks = new Set<string>();
  for (const file of graph.order) {
    stats.revisions++;
    const sql = extractStaticSql(file).up;
    if (sql === null) {
      stats.unreadable++;
      continue;
    }
    const lines = file.content.split('\n');
    const baseLine = file.format === 'sql' ? (file.upLine ?? 1) : 1;
    let statements: ClassifiedStatement[];
    try {
      statements = classifySql(sql);
    } catch (e) {
      if (!(e instanceof SqlSyntaxError)) throw e;
      findings.push({ ruleId: 'migrations/syntax', severity: 'error', file: file.relPath, line: baseLine, column: 1, message: `SQL syntax error: ${e.message}`, hint: 'Fix the SQL.' });
      continue;
    }
    const c: Ctx = {
      file,
      sql,
      lines,
      baseLine: file.format === 'sql' ? baseLine : 1,
      inTransaction: file.transaction === 'true',
      existing,
      createdHere: new Set(),
      notNullChecks,
      setsLockTimeout: statements.some((s) => s.kind === 'VariableSetStmt' && s.node.name === 'lock_timeout'),
      engineLockTimeoutOff: config.migrate.lockTimeoutMs === 0,
      findings,
    };
    for (const s of statements) {
      stats.statements++;
      if (file.format === 'ts') s.line = 1;
      lintStatement(c, s);
    }
    for (const t of c.createdHere) existing.add(t);
  }
  return { findings, stats };
}
