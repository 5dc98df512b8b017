import { ts } from '../ts-analysis/typescript.js';
import { SqlSyntaxError } from '../errors.js';
import type { Finding } from '../findings/finding.js';
import { classifySql, createTableMatcher, initSqlParser, type TableMatcher, type TableWrite, type WriteOperation } from '../sql/index.js';
import { NAME_PLACEHOLDER_PREFIX } from '../ts-analysis/fold.js';
import { ModuleIndex, type ModuleInfo } from '../ts-analysis/module-index.js';
import { AMBIGUOUS_EXPORT, PROTECTED_WRITE, UNRESOLVED_IMPORT, UNVERIFIABLE_SQL } from './rules.js';
import { SinkFinder, type Sink } from './sinks.js';
import { deleteEffects, type DeleteEffect } from './sinks/delete-actions.js';
import { SchemaForeignKeys } from './schema-foreign-keys.js';
import { diskReader, globMatcher, listSourceFiles } from '../ts-analysis/source-files.js';
import type { SingleWriterOptions, SingleWriterResult } from './options.js';

const OPERATION_SQL: Record<WriteOperation, string> = {
  insert: 'INSERT into',
  update: 'UPDATE of',
  delete: 'DELETE from',
  truncate: 'TRUNCATE of',
  merge: 'MERGE into',
  copy: 'COPY into',
};

/** The line before, the line and the line after (1-based `line`), cut from the text by its line starts. */
function snippet(sf: ts.SourceFile, line: number): Finding['snippet'] {
  const starts = sf.getLineStarts();
  const start = Math.max(1, line - 1);
  const last = Math.min(starts.length, line + 1);
  const lines: string[] = [];
  for (let l = start; l <= last; l++) lines.push(sf.text.slice(starts[l - 1], l < starts.length ? starts[l]! : sf.text.length).replace(/\r?\n$/, ''));
  return { startLine: start, lines };
}

interface Verdict {
  /** `through`: the foreign key path that makes a delete of another table write this one. */
  writes: { table: string; operation: WriteOperation; through?: string }[];
  unverifiable?: string;
}

/** What deleting from a table also writes, through the schema's foreign keys. */
type DeleteEffectsOf = (table: string) => DeleteEffect[];

/** Libraries whose sink models read their own schema's delete actions (the ORM's relations): the migrations' keys would say it twice. */
const OWN_SCHEMA = new Set(['prisma', 'typeorm', 'drizzle', 'sequelize', 'mikro-orm']);

function qualifiedName(table: string, schema: string | undefined): string {
  return schema && schema !== 'public' ? `${schema}.${table}` : table;
}

function cascaded(writes: Verdict['writes'], table: string, effectsOf: DeleteEffectsOf, matcher: TableMatcher): void {
  for (const e of effectsOf(table)) {
    const hit = matcher.matches(splitName(e.table));
    if (hit) writes.push({ table: hit, operation: e.operation, through: e.path });
  }
}

/** The writes of a SQL text, or null when it does not parse; the same text is classified once per run. */
function writesOf(text: string, memo: Map<string, TableWrite[] | null>): TableWrite[] | null {
  let w = memo.get(text);
  if (w === undefined) {
    try {
      w = classifySql(text).flatMap((s) => s.writes);
    } catch (e) {
      if (!(e instanceof SqlSyntaxError)) throw e;
      w = null;
    }
    memo.set(text, w);
  }
  return w;
}

function judgeSql(sink: Extract<Sink, { kind: 'sql' }>, matcher: TableMatcher, memo: Map<string, TableWrite[] | null>, effectsOf: DeleteEffectsOf, truncatedWith: (table: string) => { table: string; path: string }[]): Verdict {
  if (sink.sql.unknown) return { writes: [], unverifiable: sink.dbReceiver ? `the SQL passed to ${sink.via} is not a constant` : undefined };
  const found = writesOf(sink.sql.text, memo);
  if (!found) return { writes: [], unverifiable: sink.sql.constant ? undefined : `the SQL passed to ${sink.via} does not parse once its dynamic parts are replaced` };
  const writes: Verdict['writes'] = [];
  let unverifiable: string | undefined;
  for (const w of found) {
    if (w.table.startsWith(NAME_PLACEHOLDER_PREFIX)) {
      unverifiable = `the table written by ${sink.via} is dynamic`;
      continue;
    }
    const schema = w.schema?.startsWith(NAME_PLACEHOLDER_PREFIX) ? undefined : w.schema;
    const hit = matcher.matches({ table: w.table, schema }) ?? (w.schema && !schema ? matcher.matches({ table: w.table, schema: 'public' }) : undefined);
    if (hit) writes.push({ table: hit, operation: w.operation });
    if (w.operation === 'delete') cascaded(writes, qualifiedName(w.table, schema), effectsOf, matcher);
    if (w.operation === 'truncate' && w.cascade) {
      for (const t of truncatedWith(qualifiedName(w.table, schema))) {
        const also = matcher.matches(splitName(t.table));
        if (also) writes.push({ table: also, operation: 'truncate', through: t.path });
      }
    }
  }
  return { writes, unverifiable };
}

function splitName(name: string): { table: string; schema?: string } {
  const parts = name.replace(/"/g, '').split('.');
  return parts.length >= 2 ? { schema: parts.at(-2), table: parts.at(-1)! } : { table: parts[0]! };
}

export interface FileAnalysis {
  findings: Finding[];
  sinks: number;
  /** Root-relative modules read while analysing this file (the cache's dependencies). */
  deps: string[];
  unresolved: string[];
  /** Package names imported but declared by no package.json of the workspace. */
  undeclared: string[];
}

/** The analysis proper: parses, resolves and judges; the cache lives in index.ts. */
export class SingleWriterAnalysis {
  readonly index: ModuleIndex;
  private readonly finder: SinkFinder;
  private readonly matcher: TableMatcher;
  private readonly isWriter: (rel: string) => boolean;
  private readonly ambiguitySeen = new Set<string>();
  private readonly sqlMemo = new Map<string, TableWrite[] | null>();
  private readonly schemaKeys: SchemaForeignKeys;

  constructor(private readonly o: SingleWriterOptions) {
    const readText = o.readText ?? diskReader(o.root);
    this.index = o.index ?? new ModuleIndex(o.root, readText);
    if (o.cacheDir) this.index.trackReads = true;
    let files: string[] | undefined;
    this.finder = new SinkFinder(this.index, { wrappers: new Set(o.wrappers ?? []), projectFiles: () => (files ??= filesToCheck(o)) });
    this.matcher = createTableMatcher(o.protectedTables);
    this.schemaKeys = new SchemaForeignKeys(o.root, o.migrationsDir);
    this.isWriter = globMatcher(o.writers);
  }

  static async create(o: SingleWriterOptions): Promise<SingleWriterAnalysis> {
    await initSqlParser();
    return new SingleWriterAnalysis(o);
  }

  /** Files read to resolve imports (package.json, tsconfig, …) and Prisma schemas: what the cache must watch besides sources. */
  configInputs(): string[] {
    const ws = this.index.resolver.workspace;
    return [...new Set([...this.index.resolver.host.filesRead(), ...ws.prismaSchemas, ...ws.manifests, ...this.schemaKeys.inputs()])];
  }

  analyzeFile(rel: string): FileAnalysis {
    const out: FileAnalysis = { findings: [], sinks: 0, deps: [], unresolved: [], undeclared: [] };
    // The modules read are the cache's dependencies of this file; without a cache nobody asks.
    const log = this.o.cacheDir ? new Set<string>() : undefined;
    this.index.accessLog = log;
    try {
      const mod = this.index.get(rel);
      if (!mod) return out;
      const writer = this.isWriter(rel);
      this.importFindings(mod, out);
      this.index.ambiguities.length = 0;
      for (const node of mod.scopes.calls) {
        const sinks = this.finder.sinksAt(node, mod);
        out.sinks += sinks.length;
        if (!writer) for (const sink of sinks) this.report(sink, mod, out.findings);
      }
      this.ambiguityFindings(mod, out);
    } finally {
      this.index.accessLog = undefined;
    }
    out.deps = log ? [...log].filter((d) => d !== rel).sort() : [];
    return out;
  }

  /** Unresolved internal imports and ambiguous `export *` names, at the import. */
  private importFindings(mod: ModuleInfo, out: FileAnalysis): void {
    const sf = mod.sourceFile;
    for (const site of mod.importSites) {
      const r = this.index.resolveModule(mod.relPath, site.specifier);
      const pos = sf.getLineAndCharacterOfPosition(site.node.getStart(sf));
      const at = { file: mod.relPath, line: pos.line + 1, column: pos.character + 1, snippet: snippet(sf, pos.line + 1) };
      // A relative import of a missing file is a broken build, not an alias finbrain failed to follow.
      if (r.kind === 'package' && r.undeclared) out.undeclared.push(site.specifier);
      if (r.kind === 'unresolved' && !r.relative) {
        out.unresolved.push(site.specifier);
        out.findings.push({
          ruleId: UNRESOLVED_IMPORT,
          severity: this.o.strict ? 'error' : 'note',
          ...at,
          specifier: site.specifier,
          message: `import '${site.specifier}' does not resolve (${r.reason}): writes through it can only be recognised by name`,
          hint: 'Declare the alias in the owning tsconfig (paths, extends), add the workspace package (with exports or main pointing at its source or build), or list the package in package.json.',
        });
        continue;
      }
    }
  }

  /** Names met while following this file's imports that two `export *` provide. */
  private ambiguityFindings(mod: ModuleInfo, out: FileAnalysis): void {
    const sf = mod.sourceFile;
    for (const a of this.index.ambiguities.splice(0)) {
      if (a.module !== mod) continue;
      const key = `${mod.relPath}#${a.specifier}#${a.name}`;
      if (this.ambiguitySeen.has(key)) continue;
      this.ambiguitySeen.add(key);
      const site = mod.importSites.find((s) => s.specifier === a.specifier);
      const pos = sf.getLineAndCharacterOfPosition((site?.node ?? sf).getStart(sf));
      out.findings.push({
        ruleId: AMBIGUOUS_EXPORT,
        severity: this.o.strict ? 'error' : 'warning',
        file: mod.relPath,
        line: pos.line + 1,
        column: pos.character + 1,
        snippet: snippet(sf, pos.line + 1),
        message: `'${a.name}' is exported by more than one \`export *\` of ${a.target.module.relPath} (${a.target.from.join(', ')}): TypeScript exports neither, and finbrain cannot tell which one is meant`,
        hint: `Re-export '${a.name}' explicitly from the module that should provide it.`,
      });
    }
  }

  private report(sink: Sink, m: ModuleInfo, findings: Finding[]): void {
    const o = this.o;
    const source = m.sourceFile;
    const pos = source.getLineAndCharacterOfPosition(sink.node.getStart(source));
    const at = { file: m.relPath, line: pos.line + 1, column: pos.character + 1, snippet: snippet(source, pos.line + 1) };
    let verdict: Verdict;
    const effectsOf: DeleteEffectsOf = (table) => deleteEffects(this.schemaKeys.actions(), table);
    if (sink.kind === 'builder') {
      const hit = sink.table === undefined ? undefined : this.matcher.matches(splitName(sink.table));
      verdict = sink.table === undefined ? { writes: [], unverifiable: `the table written by ${sink.via} is dynamic` } : { writes: hit ? [{ table: hit, operation: sink.operation }] : [] };
      if (sink.table !== undefined && sink.operation === 'delete' && !OWN_SCHEMA.has(sink.library ?? '')) {
        const { table, schema } = splitName(sink.table);
        cascaded(verdict.writes, qualifiedName(table, schema), effectsOf, this.matcher);
      }
    } else {
      verdict = judgeSql(sink, this.matcher, this.sqlMemo, effectsOf, (t) => this.schemaKeys.truncatedWith(t));
    }
    const tags = { library: sink.library, ...(sink.heuristic ? { heuristic: true } : {}) };
    const how = sink.heuristic ? '; the receiver was recognised by its name only (heuristic)' : '';
    for (const w of verdict.writes) {
      const inferred = sink.kind === 'builder' && sink.inferred;
      findings.push({
        ruleId: PROTECTED_WRITE,
        severity: inferred && !o.strict ? 'warning' : 'error',
        ...at,
        table: w.table,
        operation: w.operation,
        ...tags,
        message: `${OPERATION_SQL[w.operation]} protected table ${w.table} outside the canonical writer (via ${sink.via}${w.through ? ` through the foreign key (${w.through})` : ''})${how}`,
        hint: writerHint(o.writers, w.table),
      });
    }
    // A wrapper's own SQL parameter (`query(text, params)`): each call of it is judged with its caller's SQL.
    if (verdict.unverifiable && !verdict.writes.length && sink.kind === 'sql' && sink.sql.unknown && this.finder.judgedAtCallers(sink, m)) return;
    if (verdict.unverifiable && !verdict.writes.length) {
      findings.push({
        ruleId: UNVERIFIABLE_SQL,
        severity: o.strict ? 'error' : 'warning',
        ...at,
        ...tags,
        message: `${verdict.unverifiable}: finbrain cannot prove it does not write ${o.protectedTables.join(', ')}`,
        hint:
          sink.kind === 'builder'
            ? 'Name the table where the write is built (the table object or its name, not a parameter or a value chosen at run time), or move the write into the canonical writer.'
            : 'Build the SQL from constants (values as parameters), or move the write into the canonical writer.',
      });
    }
  }
}

/** Lists the files a run covers. */
export function filesToCheck(o: SingleWriterOptions): string[] {
  return listSourceFiles(o.root, o.include, o.exclude);
}


export type { SingleWriterOptions, SingleWriterResult };

/** The fix names the writer modules; with none configured, it says how to name one. */
function writerHint(writers: readonly string[], table: string): string {
  if (!writers.length) {
    return `No module may write ${table} yet: name its canonical writer (\`npx finbrain protect ${table} --writer 'src/<writer folder>/**'\`, or singleWriter.writers in finbrain.config.json) and route this write through it.`;
  }
  return `Route this write through the canonical writer (${writers.join(', ')}); only those modules may write ${table}.`;
}
