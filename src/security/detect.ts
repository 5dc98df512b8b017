import { lintSource } from '@secretlint/core';
import type { SecretLintCoreConfig } from '@secretlint/types';
import { base64Runs } from './base64-candidates.js';
import type { SecretRule } from './define-rule.js';
import { SECRET_RULES, shortRuleId } from './rule-catalog.js';
import { silenceSecretlintProfiler } from './secretlint-profiler.js';
import { refineSecretlintSpan } from './span-refine.js';
import { stringChains, type Piece } from './string-chains.js';

/**
 * One secret found in a text. It never leaves the process: findings carry
 * only its location, the rule, and a masked preview.
 */
export interface Detection {
  /** `secretlint/<rule>` or `finbrain/<rule>`. */
  detector: string;
  title: string;
  priority: number;
  /** The spans of the text that are the secret, to mask: one, or one per piece of a line-split secret. */
  parts: [number, number][];
  /** Where the finding points. */
  at: number;
  /** The secret's value (decoded or joined): what `allow[].match` sees, and how history matches a secret to HEAD. */
  secret: string;
  /** The text around it the rule matched (e.g. the whole URL), also seen by `allow[].match`. */
  context: string;
  encoding?: 'base64' | 'line-split';
}

await silenceSecretlintProfiler();

const RULES_BY_ID = new Map(SECRET_RULES.map((r) => [r.id, r]));
const configs = new Map<string, SecretLintCoreConfig>();

export interface DetectOptions {
  /** Run every rule on every text, without the keyword prefilter (benchmarks and tests compare the two). */
  allRules?: boolean;
}

const KEYWORDS = [...new Set(SECRET_RULES.flatMap((r) => r.keywords))];
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** At every position, the longest keyword that starts there (a lookahead, so overlapping keywords are all seen). */
const KEYWORD_SCAN = new RegExp(`(?=(${[...KEYWORDS].sort((a, b) => b.length - a.length).map(escape).join('|')}))`, 'g');
/** Keywords that are prefixes of another (`sk` of `sk_live_`): found wherever the longer one is. */
const PREFIXES = new Map(KEYWORDS.map((k) => [k, KEYWORDS.filter((o) => o !== k && k.startsWith(o))]));

/**
 * The rules' keywords that occur in a text (lower-cased), in one regular-expression
 * pass instead of one scan per keyword (gitleaks does the same with Aho-Corasick).
 */
export function keywordsIn(text: string): Set<string> {
  const found = new Set<string>();
  for (const m of text.toLowerCase().matchAll(KEYWORD_SCAN)) {
    const k = m[1]!;
    if (found.has(k)) continue;
    found.add(k);
    for (const p of PREFIXES.get(k)!) found.add(p);
  }
  return found;
}

/** gitleaks' prefilter: a rule runs only on a text that contains one of its keywords. */
export function rulesFor(text: string, options: DetectOptions = {}): SecretRule[] {
  if (options.allRules) return SECRET_RULES;
  const found = keywordsIn(text);
  return SECRET_RULES.filter((r) => r.keywords.length === 0 || r.keywords.some((k) => found.has(k)));
}

function configFor(rules: SecretRule[]): SecretLintCoreConfig {
  const key = rules.map((r) => r.id).join('\0');
  let config = configs.get(key);
  if (!config) {
    config = { rules: rules.map((r) => ({ id: r.id, rule: r.creator, ...(r.options ? { options: r.options } : {}), ...(r.allowMessageIds ? { allowMessageIds: r.allowMessageIds } : {}) })) };
    configs.set(key, config);
  }
  return config;
}

/** The rules (after the keyword prefilter) over one text, with exact secret spans. */
async function runRules(text: string, path: string | undefined, options: DetectOptions): Promise<Detection[]> {
  const rules = rulesFor(text, options);
  if (!rules.some((r) => r.creator.meta.type === 'scanner')) return [];
  const ext = path && /\.[^./]+$/.exec(path)?.[0];
  const result = await lintSource({
    // secretlint needs a path or an extension; a text of unknown origin is plain text.
    source: { content: text, filePath: path ?? '', ext: ext || '.txt', contentType: 'text' },
    options: { config: configFor(rules), maskSecrets: false, noPhysicFilePath: true },
  });
  const out: Detection[] = [];
  for (const m of result.messages) {
    const rule = RULES_BY_ID.get(m.ruleId);
    if (!rule) continue;
    const span = refineSecretlintSpan(text, m);
    if (!span || span.end <= span.start) continue;
    out.push({
      detector: shortRuleId(rule.id),
      title: rule.titles?.[m.messageId] ?? rule.title,
      priority: rule.priority,
      parts: [[span.start, span.end]],
      at: span.at,
      secret: text.slice(span.start, span.end),
      context: span.context,
    });
  }
  return out;
}

const overlaps = (a: [number, number], b: [number, number]) => a[0] < b[1] && b[0] < a[1];

/** Maps a span of the joined text back to the original pieces it covers. */
function mapToPieces(pieces: Piece[], offsets: number[], prefixLength: number, start: number, end: number): [number, number][] {
  const out: [number, number][] = [];
  pieces.forEach((p, i) => {
    const from = prefixLength + offsets[i]!;
    const to = from + (p.end - p.start);
    const s = Math.max(start, from);
    const e = Math.min(end, to);
    if (s < e) out.push([p.start + (s - from), p.start + (e - from)]);
  });
  return out;
}

/** Secrets split over concatenated string literals (see string-chains.ts). */
async function lineSplit(text: string, path: string | undefined, options: DetectOptions): Promise<Detection[]> {
  const out: Detection[] = [];
  for (const chain of stringChains(text)) {
    const lineStart = text.lastIndexOf('\n', chain.open - 1) + 1;
    // Keep what precedes the string on its line (`API_KEY = `), so assignment rules still see the name.
    const prefix = text.slice(lineStart, chain.open + 1);
    const offsets: number[] = [];
    let joined = '';
    for (const p of chain.pieces) {
      offsets.push(joined.length);
      joined += text.slice(p.start, p.end);
    }
    const doc = `${prefix}${joined}${text[chain.open]}`;
    for (const d of await runRules(doc, path, options)) {
      const [s, e] = d.parts[0]!;
      const parts = mapToPieces(chain.pieces, offsets, prefix.length, s, e);
      if (parts.length < 2) continue; // whole in one literal: the plain scan has it
      out.push({ ...d, parts, at: parts[0]![0], context: d.context, encoding: 'line-split' });
    }
  }
  return out;
}

/** Secrets inside base64 runs (see base64-candidates.ts); the encoded run is what gets masked. */
async function base64Encoded(text: string, path: string | undefined, plain: Detection[], options: DetectOptions): Promise<Detection[]> {
  const out: Detection[] = [];
  for (const run of base64Runs(text)) {
    const span: [number, number] = [run.start, run.end];
    // Already a specific finding (a JWT, a key body): nothing to gain from decoding it. A generic
    // hit (`STRIPE_KEY: <base64>`) is decoded, so the rule for what is inside names the finding.
    if (plain.some((d) => d.priority > 0 && d.parts.some((p) => overlaps(p, span)))) continue;
    for (const d of await runRules(run.decoded, path, options)) {
      out.push({ ...d, parts: [span], at: run.start, encoding: 'base64' });
    }
  }
  return out;
}

/** Every secret in one text: plain, split over string literals, and base64-encoded. */
export async function detectSecrets(text: string, path?: string, options: DetectOptions = {}): Promise<Detection[]> {
  const plain = await runRules(text, path, options);
  const split = await lineSplit(text, path, options);
  const encoded = await base64Encoded(text, path, [...plain, ...split], options);
  return [...plain, ...split, ...encoded].sort((a, b) => a.at - b.at || b.priority - a.priority);
}
