/**
 * `check single-writer`: proves that only the writer modules write protected
 * tables. This entry point stays light (no TypeScript, no SQL parser) so that
 * a run whose every file is unchanged since the cached run loads neither.
 *
 * The pieces other checks reuse live in their own modules:
 * - `SinkFinder` (./sinks.ts): is this call or tagged template a database sink;
 * - `foldExpression` (../ts-analysis/fold.ts): constant folding of SQL text;
 * - `ModuleIndex` (../ts-analysis/module-index.ts): modules, scopes, imports.
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FileAnalysis } from './analyze.js';
import type { ShardRequest, ShardResult } from './worker.js';
import type { Finding } from '../findings/finding.js';
import { diskReader, globMatcher, listSourceFiles } from '../ts-analysis/source-files.js';
import { packageNameOf } from '../ts-analysis/workspace.js';
import type { SingleWriterOptions, SingleWriterResult, SingleWriterStats } from './options.js';
import { buildIdentity } from './build-identity.js';
import { migrationInputs } from './migration-inputs.js';
import { hashText, loadCache, runKey, saveCache, type CacheDocument, type CachedFile } from './result-cache.js';
import { PROTECTED_WRITE, UNRESOLVED_IMPORT, UNVERIFIABLE_SQL } from './rules.js';

export type { SingleWriterOptions, SingleWriterResult, SingleWriterStats } from './options.js';
export { SINGLE_WRITER_RULES, PROTECTED_WRITE, UNVERIFIABLE_SQL, UNRESOLVED_IMPORT, AMBIGUOUS_EXPORT } from './rules.js';
export { COVERAGE_RULES, nothingProtected, noSourceFiles } from './coverage-findings.js';

/** Proves only the writer modules write protected tables; returns findings, never prints. */
export async function analyzeSingleWriter(o: SingleWriterOptions): Promise<SingleWriterResult> {
  const readText = o.readText ?? diskReader(o.root);
  const files = listSourceFiles(o.root, o.include, o.exclude);
  const hashes = new Map<string, string>();
  const hashOf = (rel: string) => {
    let h = hashes.get(rel);
    if (h === undefined) {
      h = hashText(readText(rel));
      hashes.set(rel, h);
    }
    return h;
  };
  const key = runKey(buildIdentity(), { t: o.protectedTables, w: o.writers, i: o.include, e: o.exclude, x: o.wrappers ?? [], s: Boolean(o.strict), m: migrationInputs(o.root, o.migrationsDir).map((p) => relative(o.root, p)) }, files);
  const cached = o.cacheDir ? loadCache(o.cacheDir, key) : undefined;
  const inputsSame = cached && Object.entries(cached.inputs).every(([abs, h]) => hashText(readAbs(abs)) === h);
  const results = new Map<string, CachedFile>();
  if (cached && inputsSame) {
    for (const rel of files) {
      const entry = cached.files[rel];
      if (entry && entry.hash === hashOf(rel) && Object.entries(entry.deps).every(([d, h]) => hashOf(d) === h)) results.set(rel, entry);
    }
  }
  const cachedFiles = results.size;
  let inputs: Record<string, string> = cached && inputsSame ? cached.inputs : {};
  const todo = files.filter((f) => !results.has(f));
  if (todo.length) {
    let analyzed: [string, FileAnalysis][];
    let inputPaths: string[];
    const shards = shardCount(todo.length, o);
    if (shards > 1) {
      ({ analyzed, inputPaths } = await inWorkers(todo, shards, o));
    } else {
      // The SQL parser's WebAssembly compiles off the main thread: start it before TypeScript's load blocks this one.
      const sqlParser = import('../sql/index.js').then((m) => m.initSqlParser());
      const { SingleWriterAnalysis } = await import('./analyze.js');
      await sqlParser;
      const index = o.index ?? (o.getIndex ? await o.getIndex() : undefined);
      const analysis = await SingleWriterAnalysis.create({ ...o, readText, index });
      analyzed = todo.map((rel) => [rel, analysis.analyzeFile(rel)]);
      inputPaths = analysis.configInputs();
    }
    for (const [rel, r] of analyzed) {
      // Hashes only matter to a cache.
      const deps = o.cacheDir ? Object.fromEntries(r.deps.map((d) => [d, hashOf(d)])) : {};
      results.set(rel, { hash: o.cacheDir ? hashOf(rel) : '', deps, findings: r.findings, sinks: r.sinks, unresolved: r.unresolved, undeclared: r.undeclared });
    }
    if (o.cacheDir) inputs = Object.fromEntries(inputPaths.map((abs) => [abs, hashText(readAbs(abs))]));
  }
  // A run served wholly from the cache would write back the same document: skip the write.
  if (o.cacheDir && todo.length) {
    const doc: CacheDocument = { key, inputs, files: Object.fromEntries(files.map((f) => [f, results.get(f)!])) };
    saveCache(o.cacheDir, doc);
  }
  return summarise(files, results, o, cachedFiles);
}

const WORKER = new URL('./worker.js', import.meta.url);
/** Files per worker below which a thread's start-up (its own TypeScript) costs more than it saves. */
const FILES_PER_WORKER = 600;

/** Worker threads for large runs of the built tool; one thread when the index is shared with other checks or when running from source. */
function shardCount(files: number, o: SingleWriterOptions): number {
  if (o.index || o.workers === 0 || !existsSync(fileURLToPath(WORKER))) return 1;
  const limit = Math.min(o.workers ?? 1, availableParallelism());
  return Math.max(1, Math.min(limit, Math.floor(files / FILES_PER_WORKER)));
}

async function inWorkers(files: string[], shards: number, o: SingleWriterOptions): Promise<{ analyzed: [string, FileAnalysis][]; inputPaths: string[] }> {
  const { Worker } = await import('node:worker_threads');
  const size = Math.ceil(files.length / shards);
  const options = { root: o.root, protectedTables: o.protectedTables, writers: o.writers, include: o.include, exclude: o.exclude, wrappers: o.wrappers, strict: o.strict, cacheDir: o.cacheDir, migrationsDir: o.migrationsDir };
  const parts = await Promise.all(
    Array.from({ length: shards }, (_, i) => {
      const request: ShardRequest = { options, files: files.slice(i * size, (i + 1) * size) };
      return new Promise<ShardResult>((resolveShard, reject) => {
        const w = new Worker(WORKER, { workerData: request });
        w.once('message', (m: ShardResult) => resolveShard(m));
        w.once('error', reject);
        w.once('exit', (code) => code !== 0 && reject(new Error(`single-writer worker exited with code ${code}`)));
      });
    }),
  );
  return { analyzed: parts.flatMap((p) => p.results), inputPaths: [...new Set(parts.flatMap((p) => p.inputs))] };
}

function readAbs(abs: string): string | undefined {
  try {
    return readFileSync(abs, 'utf8');
  } catch {
    return undefined;
  }
}

function summarise(files: string[], results: Map<string, CachedFile>, o: SingleWriterOptions, cachedFiles: number): SingleWriterResult {
  const findings: Finding[] = [];
  const unresolved = new Set<string>();
  const undeclared = new Set<string>();
  const stats: SingleWriterStats = { files: files.length, writerFiles: 0, sinks: 0, protectedWrites: 0, unverifiable: 0, heuristic: 0, unresolvedImports: 0, unresolvedSpecifiers: '', undeclaredPackages: 0, undeclaredPackageNames: '', cachedFiles };
  for (const rel of files) {
    const r = results.get(rel)!;
    stats.sinks += r.sinks;
    for (const f of r.findings) {
      findings.push(f);
      if (f.ruleId === PROTECTED_WRITE) stats.protectedWrites++;
      if (f.ruleId === UNVERIFIABLE_SQL) stats.unverifiable++;
      if (f.ruleId === UNRESOLVED_IMPORT) stats.unresolvedImports++;
      if (f.heuristic) stats.heuristic++;
    }
    for (const u of r.unresolved) unresolved.add(u);
    for (const u of r.undeclared ?? []) undeclared.add(packageNameOf(u));
  }
  stats.writerFiles = files.filter(globMatcher(o.writers)).length;
  stats.unresolvedSpecifiers = [...unresolved].sort().join(', ');
  stats.undeclaredPackages = undeclared.size;
  stats.undeclaredPackageNames = [...undeclared].sort().join(', ');
  return { findings, stats };
}

