import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { UsageError } from '../errors.js';
import type { Finding } from '../findings/finding.js';
import type { Detection } from './detect.js';
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
  binaries: BinaryChange[];
  commits: number;
  allowed: number;
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
export async function scanHistory(o: { root: string; since?: string; pool: DetectorPool; allow: AllowList }): Promise<HistoryScanResult> {
  if (!(await hasHead(o.root))) return { secrets: [], binaries: [], commits: 0, allowed: 0 };
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
  // Results are applied in commit order (newest first), so the last write for a secret is its oldest commit.
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
  for (const p of ordered) {
    const { docs, results } = await p;
    docs.forEach((doc, i) => {
      const r = documentFindings(doc, results[i]!, o.allow);
      allowed += r.allowed;
      // Within one commit and file the first line wins; across commits the oldest.
      for (const s of r.secrets.reverse()) byKey.set(s.key, s);
    });
  }
  return { secrets: [...byKey.values()], binaries, commits: reader.commits, allowed };
}
