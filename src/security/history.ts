import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { UsageError } from '../errors.js';
import type { Finding } from '../findings/finding.js';
import type { Detection } from './detect.js';
import { decodeBytes } from './file-content.js';
import { readBlobs } from './git-blobs.js';
import { LOG_FORMAT, PatchReader, type AddedLines, type BinaryChange } from './git-log-patches.js';
import { AllowList, clusters, describe, inlineSuppressed, maskSpans, safeSnippet } from './secret-findings.js';
import { TextLines } from './text-lines.js';
import type { DetectorPool } from './worker-pool.js';

const run = promisify(execFile);

export const HISTORY_HINT =
  'Rotate it now: it is gone from the working tree but every clone and fork still has the commit. ' +
  'Rewriting history (git filter-repo) does not un-leak it; it only helps after the credential is revoked.';

/** A secret as history knows it: where it was first added. */
export interface HistorySecret {
  /** sha256 of the secret's value: how a history secret is matched to one still in HEAD. */
  key: string;
  commit: string;
  date: string;
  finding: Finding;
}

export interface HistoryScanResult {
  /** One per distinct secret, at the oldest commit that added it. */
  secrets: HistorySecret[];
  /** Changes git diffs as binary that are not UTF-16 text either: not scanned. */
  binaries: BinaryChange[];
  commits: number;
  allowed: number;
  /** Versions of UTF-16 files read from their blobs and scanned whole. */
  utf16: number;
}

/** Extensions that are never UTF-16 text: their blobs are not read. */
const BINARY_EXT = /\.(png|jpe?g|gif|bmp|ico|webp|tiff?|psd|woff2?|ttf|otf|eot|pdf|zip|gz|tgz|bz2|xz|7z|rar|jar|war|class|so|dylib|dll|exe|bin|o|a|pyc|wasm|mp3|mp4|m4a|mov|avi|webm|ogg|wav|flac|sqlite3?|db|parquet|p12|pfx|der|jks|keystore)$/i;

/**
 * git diffs UTF-16 files as binary, so `git log -p` has no lines for them.
 * Their versions are read from the blobs (one cat-file pass) and, when they
 * start with a UTF-16 byte-order mark, scanned whole; the rest stay binary.
 */
async function utf16Versions(root: string, binaries: BinaryChange[], maxBytes: number): Promise<{ docs: AddedLines[]; binaries: BinaryChange[] }> {
  const candidates = binaries.filter((b) => !BINARY_EXT.test(b.path));
  const blobs = await readBlobs(root, candidates.map((b) => `${b.commit}:${b.path}`), maxBytes);
  const docs: AddedLines[] = [];
  const rescued = new Set<BinaryChange>();
  blobs.forEach((blob, i) => {
    if (blob.kind !== 'bytes') return;
    const content = decodeBytes(blob.bytes);
    if (content.kind !== 'text' || content.encoding === 'utf-8') return;
    const b = candidates[i]!;
    const count = content.text.split('\n').length;
    docs.push({ commit: b.commit, date: b.date, seq: b.seq, path: b.path, text: content.text, lineNumbers: Array.from({ length: count }, (_, k) => k + 1) });
    rescued.add(b);
  });
  return { docs, binaries: binaries.filter((b) => !rescued.has(b)) };
}

export const secretKey = (d: Detection) => createHash('sha256').update(d.secret).digest('hex');

/** `--since <rev>` must name a commit; refuse anything else (and anything that looks like an option). */
async function resolveSince(root: string, since: string): Promise<string> {
  if (since.startsWith('-')) throw new UsageError(`--since ${since}: not a revision`, { hint: 'Pass a commit, tag or branch, e.g. --since v1.2.0 or --since HEAD~50.' });
  try {
    const { stdout } = await run('git', ['rev-parse', '--verify', '--quiet', '--end-of-options', `${since}^{commit}`], { cwd: root });
    return stdout.trim();
  } catch (e) {
    throw new UsageError(`--since ${since}: no such commit in ${root}`, { hint: 'Pass a commit, tag or branch that exists here (git log --oneline shows them).', cause: e });
  }
}

async function hasHead(root: string): Promise<boolean> {
  try {
    await run('git', ['rev-parse', '--verify', '--quiet', 'HEAD'], { cwd: root });
    return true;
  } catch {
    return false;
  }
}

/** Findings of one commit's added lines in one file (clustered, allow-list and inline suppressions honoured). */
function documentFindings(doc: AddedLines, detections: Detection[], allow: AllowList): { secrets: HistorySecret[]; allowed: number } {
  const lines = new TextLines(doc.text);
  const spans = maskSpans(detections);
  const secrets: HistorySecret[] = [];
  let allowed = 0;
  for (const members of clusters(detections)) {
    const winner = members[0]!;
    const docLine = lines.lineOf(winner.at);
    if (members.some((d) => allow.find(d, doc.path)) || inlineSuppressed(lines, docLine) === true) {
      allowed++;
      continue;
    }
    const snippet = safeSnippet(lines, docLine, spans);
    const line = doc.lineNumbers[docLine - 1] ?? 1;
    secrets.push({
      key: secretKey(winner),
      commit: doc.commit,
      date: doc.date,
      finding: {
        ruleId: 'security/secret-in-history',
        severity: 'error',
        file: doc.path,
        line,
        column: lines.columnOf(winner.at),
        detector: winner.detector,
        ...(winner.encoding ? { encoding: winner.encoding } : {}),
        commit: doc.commit,
        message: `${describe(winner)}; added in commit ${doc.commit.slice(0, 12)} (${doc.date.slice(0, 10)}) and no longer in the working tree`,
        hint: HISTORY_HINT,
        ...(snippet ? { snippet: { startLine: line, lines: snippet.lines } } : {}),
      },
    });
  }
  return { secrets, allowed };
}

/**
 * Scans the lines every commit added, in one streamed `git log -p` pass
 * (`<since>..HEAD`, or all of HEAD's history). Batches of added lines go to
 * the detector pool while git is still writing.
 */
export async function scanHistory(o: { root: string; since?: string; pool: DetectorPool; allow: AllowList; maxBytes: number }): Promise<HistoryScanResult> {
  if (!(await hasHead(o.root))) return { secrets: [], binaries: [], commits: 0, allowed: 0, utf16: 0 };
  const range = o.since ? `${await resolveSince(o.root, o.since)}..HEAD` : 'HEAD';
  const args = ['-c', 'core.quotePath=false', 'log', '-p', '-U0', '-M', '--no-color', '--no-ext-diff', '--no-textconv', LOG_FORMAT, range, '--'];
  const child = spawn('git', args, { cwd: o.root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });

  const byKey = new Map<string, HistorySecret>();
  const binaries: BinaryChange[] = [];
  let allowed = 0;
  let batch: AddedLines[] = [];
  let batchBytes = 0;
  const inFlight = new Set<Promise<void>>();
  const maxInFlight = Math.max(2, o.pool.threads * 2);
  const ordered: Promise<{ docs: AddedLines[]; results: Detection[][] }>[] = [];

  const send = () => {
    if (!batch.length) return;
    const docs = batch;
    batch = [];
    batchBytes = 0;
    const p = o.pool.detect(docs.map((d) => ({ path: d.path, text: d.text }))).then((results) => ({ docs, results }));
    ordered.push(p);
    const tracked: Promise<void> = p.then(() => {
      inFlight.delete(tracked);
    });
    inFlight.add(tracked);
  };
  const reader = new PatchReader(
    (doc) => {
      batch.push(doc);
      batchBytes += doc.text.length;
      if (batch.length >= 256 || batchBytes >= 1_000_000) send();
    },
    (b) => binaries.push(b),
  );
  for await (const line of createInterface({ input: child.stdout, crlfDelay: Infinity })) {
    reader.line(line);
    while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
  }
  reader.end();
  send();
  const code = await exited;
  if (code !== 0) throw new UsageError(`git log failed in ${o.root}: ${stderr.trim().split('\n')[0] ?? ''}`, { hint: 'Run the same scan in a full clone (a shallow clone has no history to scan: git fetch --unshallow).' });
  const rescued = await utf16Versions(o.root, binaries, o.maxBytes);
  if (rescued.docs.length) ordered.push(o.pool.detect(rescued.docs.map((d) => ({ path: d.path, text: d.text }))).then((results) => ({ docs: rescued.docs, results })));
  const scanned: [AddedLines, Detection[]][] = [];
  for (const p of ordered) {
    const { docs, results } = await p;
    docs.forEach((doc, i) => scanned.push([doc, results[i]!]));
  }
  // Applied from the newest commit to the oldest, so the last write for a secret is the commit that added it;
  // within one commit and file the first line wins.
  scanned.sort((a, b) => a[0].seq - b[0].seq);
  for (const [doc, detections] of scanned) {
    const r = documentFindings(doc, detections, o.allow);
    allowed += r.allowed;
    for (const s of r.secrets.reverse()) byKey.set(s.key, s);
  }
  return { secrets: [...byKey.values()], binaries: rescued.binaries, commits: reader.commits, allowed, utf16: rescued.docs.length };
}
