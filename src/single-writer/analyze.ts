import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ts } from '../ts-analysis/typescript.js';
import { SqlSyntaxError } from '../errors.js';
import type { Finding } from '../findings/finding.js';
import { classifySql, createTableMatcher, initSqlParser, type TableMatcher, type WriteOperation } from '../sql/index.js';
import { NAME_PLACEHOLDER_PREFIX } from '../ts-analysis/fold.js';
import { ModuleIndex, type ModuleInfo } from '../ts-analysis/module-index.js';
import { PROTECTED_WRITE, UNVERIFIABLE_SQL } from './rules.js';
import { SinkFinder, type Sink } from './sinks.js';
import { globMatcher, listSourceFiles } from '../ts-analysis/source-files.js';

export interface SingleWriterOptions {
  root: string;
  protectedTables: string[];
  writers: string[];
  include: string[];
  exclude: string[];
  wrappers?: string[];
  strict?: boolean;
  /** Shared file reader (check all reads each file once). */
  readText?: (relPath: string) => string | undefined;
  /** A module index shared with other checks of the same run (each file parsed once). */
  index?: ModuleIndex;
}

export interface SingleWriterResult {
  findings: Finding[];
  stats: { files: number; writerFiles: number; sinks: number; protectedWrites: number; unverifiable: number };
}

const OPERATION_SQL: Record<WriteOperation, string> = {
  insert: 'INSERT into',
  update: 'UPDATE of',
  delete: 'DELETE from',
  truncate: 'TRUNCATE of',
  merge: 'MERGE into',
  copy: 'COPY into',
};

function snippet(sf: ts.SourceFile, line: number): Finding['snippet'] {
  const lines = sf.text.split('\n');
  const start = Math.max(1, line - 1);
  return { startLine: start, lines: lines.slice(start - 1, Math.min(lines.length, line + 1)) };
}

interface Verdict {
  writes: { table: string; operation: WriteOperation }[];
  unverifiable?: string;
}

function judgeSql(sink: Extract<Sink, { kind: 'sql' }>, matcher: TableMatcher): Verdict {
  if (sink.sql.unknown) return { writes: [], unverifiable: sink.dbReceiver ? `the SQL passed to ${sink.via} is not a constant` : undefined };
  let statements;
  try {
    statements = classifySql(sink.sql.text);
  } catch (e) {
    if (e instanceof SqlSyntaxError) {
      return { writes: [], unverifiable: sink.sql.constant ? undefined : `the SQL passed to ${sink.via} does not parse once its dynamic parts are replaced` };
    }
    throw e;
  }
  const writes: Verdict['writes'] = [];
  let unverifiable: string | undefined;
  for (const w of statements.flatMap((s) => s.writes)) {
    if (w.table.startsWith(NAME_PLACEHOLDER_PREFIX)) {
      unverifiable = `the table written by ${sink.via} is dynamic`;
      continue;
    }
    const schema = w.schema?.startsWith(NAME_PLACEHOLDER_PREFIX) ? undefined : w.schema;
    const hit = matcher.matches({ table: w.table, schema }) ?? (w.schema && !schema ? matcher.matches({ table: w.table, schema: 'public' }) : undefined);
    if (hit) writes.push({ table: hit, operation: w.operation });
  }
  return { writes, unverifiable };
}

/** Proves only the writer modules write protected tables; returns findings, never prints. */
export async function analyzeSingleWriter(o: SingleWriterOptions): Promise<SingleWriterResult> {
  await initSqlParser();
  const readText = o.readText ?? ((rel: string) => {
    try {
      return readFileSync(join(o.root, rel), 'utf8');
    } catch {
      return undefined;
    }
  });
  const files = listSourceFiles(o.root, o.include, o.exclude);
  const isWriter = globMatcher(o.writers);
  const index = o.index ?? new ModuleIndex(o.root, readText);
  const finder = new SinkFinder(index, { wrappers: new Set(o.wrappers ?? []) });
  const matcher = createTableMatcher(o.protectedTables);
  const findings: Finding[] = [];
  const stats = { files: files.length, writerFiles: 0, sinks: 0, protectedWrites: 0, unverifiable: 0 };

  for (const rel of files) {
    const writer = isWriter(rel);
    if (writer) stats.writerFiles++;
    const mod = index.get(rel);
    if (!mod) continue;
    const sf = mod.sourceFile;
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) || ts.isTaggedTemplateExpression(node)) {
        const sink = finder.sinkAt(node, mod);
        if (sink) {
          stats.sinks++;
          if (!writer) report(sink, mod, sf);
        }
      }
      ts.forEachChild(node, visit);
    };
    const report = (sink: Sink, m: ModuleInfo, source: ts.SourceFile) => {
      const pos = source.getLineAndCharacterOfPosition(sink.node.getStart(source));
      const at = { file: m.relPath, line: pos.line + 1, column: pos.character + 1, snippet: snippet(source, pos.line + 1) };
      const verdict: Verdict =
        sink.kind === 'builder'
          ? sink.table === undefined
            ? { writes: [], unverifiable: `the table passed to ${sink.via} is dynamic` }
            : { writes: matcher.matches(splitName(sink.table)) ? [{ table: matcher.matches(splitName(sink.table))!, operation: sink.operation }] : [] }
          : judgeSql(sink, matcher);
      for (const w of verdict.writes) {
        stats.protectedWrites++;
        findings.push({
          ruleId: PROTECTED_WRITE,
          severity: 'error',
          ...at,
          table: w.table,
          operation: w.operation,
          message: `${OPERATION_SQL[w.operation]} protected table ${w.table} outside the canonical writer (via ${sink.via})`,
          hint: `Route this write through the canonical writer (${o.writers.join(', ')}); only those modules may write ${w.table}.`,
        });
      }
      if (verdict.unverifiable && !verdict.writes.length) {
        stats.unverifiable++;
        findings.push({
          ruleId: UNVERIFIABLE_SQL,
          severity: o.strict ? 'error' : 'warning',
          ...at,
          message: `${verdict.unverifiable}: finbrain cannot prove it does not write ${o.protectedTables.join(', ')}`,
          hint: 'Build the SQL from constants (values as parameters), or move the write into the canonical writer.',
        });
      }
    };
    visit(sf);
  }
  return { findings, stats };
}

function splitName(name: string): { table: string; schema?: string } {
  const parts = name.replace(/"/g, '').split('.');
  return parts.length === 2 ? { schema: parts[0], table: parts[1]! } : { table: parts[0]! };
}
