import { lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FinbrainConfig } from '../config/schema.js';
import { UsageError } from '../errors.js';
import type { ProjectFiles } from '../check-runner/project-files.js';
import type { Finding } from '../findings/finding.js';
import type { ModuleIndex } from '../ts-analysis/module-index.js';
import { globMatcher, listSourceFiles } from '../ts-analysis/source-files.js';
import { dangerousCodeFindings } from './dangerous-code.js';
import type { Detection } from './detect.js';
import { envFileFindings, isEnvFile } from './env-files.js';
import { decodeBytes, needsBytes } from './file-content.js';
import { lineLooksSafe } from './line-safety.js';
import { maskLine, type MaskSpan } from './mask-secret.js';
import { BINARY_HINT, human, notScanned, oversized } from './not-scanned.js';
import { AllowList, maskSpans, ROTATE_HINT, secretFindings } from './secret-findings.js';
import { TextLines } from './text-lines.js';
import { createDetectorPool, threadsFor, type DetectorPool } from './worker-pool.js';

export interface SecurityScanOptions {
  root: string;
  config: FinbrainConfig;
  files: ProjectFiles;
  index: () => Promise<ModuleIndex>;
  warn: (m: string) => void;
  /** Also scan the lines every commit added (`--history`), from `since` (`--since <rev>`) when given. */
  history?: boolean;
  since?: string;
}

export interface SecurityScanResult {
  findings: Finding[];
  stats: {
    files: number;
    notScanned: number;
    utf16: number;
    allowed: number;
    codeFiles: number;
    workers: number;
    historyCommits?: number;
    historyUtf16?: number;
  };
}

const CODE = /\.(ts|tsx|mts|cts)$/;

/** `// finbrain-ignore <rule>: <reason>` on the line or the line before; the reason is required. */
export function isSuppressed(lines: string[], line: number, ruleId: string): boolean {
  for (const l of [lines[line - 1], lines[line - 2]]) {
    const m = l && /finbrain-ignore\s+([\w/-]+)\s*:\s*(\S.{2,})/.exec(l);
    if (m && m[1] === ruleId) return true;
  }
  return false;
}

/** What git tracks (as a fresh clone sees it) plus what is staged. */
async function scope(o: SecurityScanOptions): Promise<{ files: string[]; gitTracked: boolean }> {
  const tracked = await o.files.gitTracked();
  if (!tracked) {
    if (o.history) throw new UsageError(`--history needs a git repository: ${o.root} is not a git work tree`, { hint: 'Run it in a clone of the repository.' });
    o.warn(`${o.root} is not a git work tree: scanning every file except node_modules, dist and .git instead of what git tracks.`);
    return { files: listSourceFiles(o.root, ['**/*'], []), gitTracked: false };
  }
  const staged = o.config.checks.security.includeStaged ? await o.files.gitStaged() : [];
  return { files: [...new Set([...tracked, ...staged])].sort(), gitTracked: true };
}

interface TextFile {
  rel: string;
  text: string;
}

/** The scan holds every file's text at once: refuse a scope that would not fit, before reading any of it. */
function checkBudget(o: SecurityScanOptions, files: string[], sizes: (number | undefined)[], gitTracked: boolean): void {
  const cfg = o.config.checks.security;
  const total = sizes.reduce<number>((n, size) => n + (size !== undefined && size <= cfg.maxFileBytes ? size : 0), 0);
  if (total <= cfg.maxScanBytes) return;
  throw new UsageError(`${o.root}: ${files.length} files, ${human(total)} of text in scope, over checks.security.maxScanBytes (${human(cfg.maxScanBytes)}); nothing was scanned.`, {
    hint: gitTracked
      ? 'Stop tracking generated or vendored text, or raise checks.security.maxScanBytes if this machine has the memory.'
      : 'This is not a git work tree, so every file under it is in scope: run the check in your repository (it scans what git tracks), or pass --root <the repository>.',
  });
}

/** Reads every file in scope as text, or says why it cannot (a note per file). */
function readScope(o: SecurityScanOptions, files: string[], out: { findings: Finding[]; utf16: number }, gitTracked: boolean): TextFile[] {
  const cfg = o.config.checks.security;
  const stats = files.map((rel) => {
    try {
      return lstatSync(join(o.root, rel));
    } catch {
      return undefined;
    }
  });
  checkBudget(o, files, stats.map((st) => (st?.isFile() ? st.size : undefined)), gitTracked);
  const read = files.map((rel, i): { text: string } | { note: Finding } => {
    const abs = join(o.root, rel);
    const st = stats[i];
    if (!st) {
      return { note: notScanned(rel, 'tracked but missing from the working tree', 'Restore it (git checkout -- <file>) or commit its deletion; scan history with --history.') };
    }
    if (st.isSymbolicLink()) return { note: notScanned(rel, 'a symbolic link (its target is not followed)', 'Scan the target where it is tracked.') };
    if (st.isDirectory()) return { note: notScanned(rel, 'a git submodule', 'Run finbrain check security in the submodule\'s own repository.') };
    if (st.size > cfg.maxFileBytes) return { note: oversized(rel, st.size, cfg.maxFileBytes) };
    // readSync: the cache single-writer and codeowners read through, so no file is read from disk twice.
    let text = o.files.readSync(rel);
    if (text === undefined) return { note: notScanned(rel, 'unreadable', 'Check the file\'s permissions.') };
    if (needsBytes(text)) {
      const content = decodeBytes(readFileSync(abs));
      if (content.kind === 'binary') return { note: notScanned(rel, `binary (a NUL byte at offset ${content.nulAt})`, BINARY_HINT) };
      if (content.encoding !== 'utf-8') out.utf16++;
      text = content.text;
    }
    return { text };
  });
  const texts: TextFile[] = [];
  read.forEach((r, i) => {
    const rel = files[i]!;
    const text = 'text' in r ? r.text : undefined;
    if (isEnvFile(rel)) out.findings.push(...envFileFindings(rel, text, cfg.envTemplates));
    if ('note' in r) out.findings.push(r.note);
    else texts.push({ rel, text: r.text });
  });
  return texts;
}

const yieldToEvents = () => new Promise<void>((resolve) => setImmediate(resolve));

/** SQL/shell injection and eval, with the TypeScript analysis shared with single-writer. */
async function dangerousCode(o: SecurityScanOptions, texts: TextFile[]): Promise<{ findings: Finding[]; allowed: number; codeFiles: number }> {
  const sw = o.config.singleWriter;
  const include = globMatcher(sw.include);
  const exclude = globMatcher(sw.exclude.filter((g) => !/test/.test(g)));
  const code = texts.filter((t) => CODE.test(t.rel) && include(t.rel) && !exclude(t.rel));
  const out = { findings: [] as Finding[], allowed: 0, codeFiles: 0 };
  if (!code.length) return out;
  const index = await o.index();
  for (const [i, t] of code.entries()) {
    // Let the worker pool's replies in, so its threads get their next shard while this thread parses.
    if (i % 16 === 0) await yieldToEvents();
    const mod = index.get(t.rel);
    if (!mod) continue;
    out.codeFiles++;
    const lines = t.text.split('\n');
    for (const f of dangerousCodeFindings(mod, index)) {
      if (isSuppressed(lines, f.line, f.ruleId)) out.allowed++;
      else out.findings.push(f);
    }
  }
  return out;
}

/** A code frame from another analysis, with every secret in the file masked; dropped when a line still looks unsafe. */
function guardSnippet(f: Finding, lines: TextLines, spans: MaskSpan[]): Finding {
  if (!f.snippet) return f;
  const numbers = f.snippet.lines.map((_, i) => f.snippet!.startLine + i);
  const safe = numbers.every((n) => lineLooksSafe(maskLine(lines.line(n), lines.starts[n - 1] ?? 0, spans, ' ')));
  const { snippet: _dropped, ...rest } = f;
  return safe ? { ...f, snippet: { startLine: f.snippet.startLine, lines: numbers.map((n) => maskLine(lines.line(n), lines.starts[n - 1] ?? 0, spans)) } } : rest;
}

export async function scanSecurity(o: SecurityScanOptions): Promise<SecurityScanResult> {
  const cfg = o.config.checks.security;
  const allow = new AllowList(cfg.allow);
  const findings: Finding[] = [];
  const read = { findings, utf16: 0 };
  const inScope = await scope(o);
  const texts = readScope(o, inScope.files, read, inScope.gitTracked);
  const notes = findings.filter((f) => f.ruleId === 'security/not-scanned').length;

  const bytes = texts.reduce((n, t) => n + t.text.length, 0);
  // History is usually far more text than the tree, and its size is not known before git streams it.
  const threads = threadsFor(cfg.workers, o.history ? Infinity : bytes);
  const pool: DetectorPool = createDetectorPool(threads);
  try {
    const detecting = pool.detect(texts.map((t) => ({ path: t.rel, text: t.text })));
    const code = await dangerousCode(o, texts);
    const detections = await detecting;

    let allowed = code.allowed;
    const byFile = new Map<string, { lines: TextLines; detections: Detection[] }>();
    const reportedByKey = new Map<string, Finding[]>();
    const headKeys = new Set<string>();
    const { secretKey } = o.history ? await import('./history.js') : { secretKey: undefined };
    texts.forEach((t, i) => {
      const found = detections[i]!;
      if (!found.length) return;
      const lines = new TextLines(t.text);
      byFile.set(t.rel, { lines, detections: found });
      const r = secretFindings(t.rel, lines, found, allow);
      allowed += r.allowed;
      findings.push(...r.findings);
      if (secretKey) {
        for (const d of found) headKeys.add(secretKey(d));
        r.reported.forEach((d, j) => {
          const key = secretKey(d);
          reportedByKey.set(key, [...(reportedByKey.get(key) ?? []), r.findings[j]!]);
        });
      }
    });
    for (const f of code.findings) {
      const file = byFile.get(f.file);
      findings.push(file ? guardSnippet(f, file.lines, maskSpans(file.detections)) : f);
    }

    const stats: SecurityScanResult['stats'] = { files: texts.length, notScanned: notes, utf16: read.utf16, allowed, codeFiles: code.codeFiles, workers: pool.threads };
    if (o.history) {
      const { scanHistory } = await import('./history.js');
      const h = await scanHistory({ root: o.root, since: o.since, pool, allow, maxBytes: cfg.maxFileBytes });
      stats.historyCommits = h.commits;
      stats.historyUtf16 = h.utf16;
      stats.allowed += h.allowed;
      const unscanned = new Set(findings.filter((f) => f.ruleId === 'security/not-scanned').map((f) => f.file));
      for (const s of h.secrets) {
        const inHead = reportedByKey.get(s.key);
        if (inHead) for (const f of inHead) f.introducedIn = s.commit;
        else if (headKeys.has(s.key)) continue;
        else if (unscanned.has(s.finding.file)) {
          // Still in the tree, in a file the tree scan could not read (too large, binary now): not "removed".
          findings.push({ ...s.finding, ruleId: 'security/secret', message: `${s.finding.message.replace(/ and no longer in the working tree$/, '')}; the working-tree copy is not scanned (see the note on this file)`, hint: ROTATE_HINT });
        } else findings.push(s.finding);
      }
      // A file git diffs as binary (binary, or UTF-16 text): its history is not scanned. One note per path.
      const scanned = new Set(texts.map((t) => t.rel));
      const seen = new Set<string>();
      for (const b of h.binaries) {
        if (seen.has(b.path) || unscanned.has(b.path)) continue;
        seen.add(b.path);
        const why = scanned.has(b.path)
          ? `binary in an earlier version (commit ${b.commit.slice(0, 12)}): that version is not scanned`
          : `binary in history (last changed in commit ${b.commit.slice(0, 12)})`;
        findings.push({ ...notScanned(b.path, why, BINARY_HINT), commit: b.commit });
      }
      stats.notScanned += seen.size;
    }
    return { findings, stats };
  } finally {
    await pool.close();
  }
}
