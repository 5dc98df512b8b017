import picomatch from 'picomatch';
import type { Finding } from '../findings/finding.js';
import type { Detection } from './detect.js';
import { lineLooksSafe } from './line-safety.js';
import { maskLine, maskValue, type MaskSpan } from './mask-secret.js';
import type { TextLines } from './text-lines.js';

export interface AllowEntry {
  rule?: string;
  path?: string;
  match?: string;
  reason: string;
}

/** `finbrain-ignore-secret: <reason>` on the line or the line before; the reason is required. */
const INLINE_IGNORE = /finbrain-ignore-secret\b:?\s*(.*)$/;

export const ROTATE_HINT =
  'Remove it and load it from the environment or a secret store, then rotate it: it is in the git history. ' +
  'A false positive: allow it in checks.security.allow with a reason, or add `finbrain-ignore-secret: <reason>` on the line.';

/** Detections whose spans overlap are one secret seen by several rules; the most specific rule names it. */
export function clusters(detections: Detection[]): Detection[][] {
  const out: { spans: [number, number][]; members: Detection[] }[] = [];
  for (const d of detections) {
    const hit = out.filter((c) => c.spans.some((s) => d.parts.some((p) => p[0] < s[1] && s[0] < p[1])));
    const merged = { spans: [...d.parts], members: [d] };
    for (const c of hit) {
      merged.spans.push(...c.spans);
      merged.members.push(...c.members);
      out.splice(out.indexOf(c), 1);
    }
    out.push(merged);
  }
  return out.map((c) => c.members.sort((a, b) => b.priority - a.priority || span(b) - span(a) || a.at - b.at));
}

const span = (d: Detection) => d.parts.reduce((n, [s, e]) => n + e - s, 0);

export class AllowList {
  private readonly entries: { entry: AllowEntry; match?: RegExp }[];

  constructor(entries: AllowEntry[]) {
    this.entries = entries.map((entry) => ({ entry, match: entry.match ? new RegExp(entry.match) : undefined }));
  }

  /** The entry that allows this detection in this file, if any. */
  find(d: Detection, path: string): AllowEntry | undefined {
    return this.entries.find(
      ({ entry, match }) =>
        (!entry.rule || entry.rule === d.detector || entry.rule === d.detector.replace('secretlint/', '@secretlint/secretlint-rule-') || entry.rule === 'security/secret') &&
        (!entry.path || picomatch.isMatch(path, entry.path, { dot: true })) &&
        (!match || match.test(d.secret) || match.test(d.context)),
    )?.entry;
  }
}

/** `true`: suppressed with a reason; `'no-reason'`: the marker is there but says nothing, so it does not count. */
export function inlineSuppressed(lines: TextLines, line: number): boolean | 'no-reason' {
  let marker = false;
  for (const n of [line, line - 1]) {
    const m = n >= 1 ? INLINE_IGNORE.exec(lines.line(n)) : null;
    if (m && m[1]!.trim().length >= 3) return true;
    marker ||= Boolean(m);
  }
  return marker ? 'no-reason' : false;
}

/** Every span to mask in a file: all parts of all detections, allowed ones included. */
export function maskSpans(detections: Detection[]): MaskSpan[] {
  return detections.flatMap((d) => d.parts.map(([s, e], i): MaskSpan => [s, e, i > 0]));
}

/** The code frame of one line with every detected secret masked, or none when the line still looks unsafe. */
export function safeSnippet(lines: TextLines, line: number, spans: MaskSpan[]): Finding['snippet'] {
  const start = lines.starts[line - 1] ?? 0;
  if (!lineLooksSafe(maskLine(lines.line(line), start, spans, ' '))) return undefined;
  return { startLine: line, lines: [maskLine(lines.line(line), start, spans)] };
}

export function describe(d: Detection): string {
  const how = d.encoding === 'base64' ? ' (base64-encoded)' : d.encoding === 'line-split' ? ` (split over ${d.parts.length} string literals)` : '';
  return `${d.title}${how}: ${maskValue(d.secret)}`;
}

export interface SecretFindingsResult {
  findings: Finding[];
  allowed: number;
  /** The winning detection of each reported finding, in order (history matches them to HEAD). */
  reported: Detection[];
  /** Every cluster's winner, allowed or not. */
  all: Detection[];
}

/** Detections of one file to findings: clustered, allow-list and inline suppressions honoured, masked. */
export function secretFindings(path: string, lines: TextLines, detections: Detection[], allow: AllowList): SecretFindingsResult {
  const spans = maskSpans(detections);
  const findings: Finding[] = [];
  const reported: Detection[] = [];
  const all: Detection[] = [];
  let allowed = 0;
  for (const members of clusters(detections)) {
    const winner = members[0]!;
    all.push(winner);
    const line = lines.lineOf(winner.at);
    const inline = inlineSuppressed(lines, line);
    if (members.some((d) => allow.find(d, path)) || inline === true) {
      allowed++;
      continue;
    }
    reported.push(winner);
    const snippet = safeSnippet(lines, line, spans);
    findings.push({
      ruleId: 'security/secret',
      severity: 'error',
      file: path,
      line,
      column: lines.columnOf(winner.at),
      detector: winner.detector,
      ...(winner.encoding ? { encoding: winner.encoding } : {}),
      message: describe(winner),
      hint: inline === 'no-reason' ? `${ROTATE_HINT} An inline \`finbrain-ignore-secret:\` only counts with a reason after the colon.` : ROTATE_HINT,
      ...(snippet ? { snippet } : {}),
    });
  }
  return { findings, allowed, reported, all };
}
