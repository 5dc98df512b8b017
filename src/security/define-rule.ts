import type { SecretLintRuleCreator } from '@secretlint/types';
import { shannonEntropy } from './entropy.js';

/**
 * A secret-detection rule as finbrain registers it: the secretlint rule that
 * finds the secret, plus what the scanner needs around it: the keywords that
 * must occur in a text for the rule to run at all (gitleaks' prefilter), a
 * title for messages (never the secret), and a priority for overlapping
 * detections (the more specific rule names the finding).
 */
export interface SecretRule {
  /** `finbrain/<name>` or the secretlint rule id. */
  id: string;
  title: string;
  /** Lower-case strings; the rule runs on a text only when one of them occurs in it. */
  keywords: string[];
  /** Higher wins when two rules find the same span: 3 provider-specific, 2 specific, 1 broad, 0 generic. */
  priority: number;
  creator: SecretLintRuleCreator;
  /** Options secretlint passes to the rule (secretlint's own rules). */
  options?: Record<string, unknown>;
  allowMessageIds?: string[];
  /** Titles by secretlint messageId, when one rule reports several kinds. */
  titles?: Record<string, string>;
}

/** One secret a finbrain rule found: the span of the secret itself, and the text around it that `allow[].match` is tested against. */
export interface RuleHit {
  start: number;
  end: number;
  context: string;
  /** Where the finding points, when not at the secret (a private key: its BEGIN line). */
  at?: number;
}

export interface ScannerRuleSpec {
  /** Without the `finbrain/` prefix. */
  name: string;
  title: string;
  keywords: string[];
  priority?: number;
  /** `path` is the file's path relative to the root (POSIX), when known. */
  find(text: string, path: string | undefined): Iterable<RuleHit>;
}

/** Wraps a finder as a secretlint rule that reports the exact span of each secret and never puts the secret in its message. */
export function scannerRule(spec: ScannerRuleSpec): SecretRule {
  const id = `finbrain/${spec.name}`;
  const messages = { FOUND: { en: () => spec.title } };
  const creator: SecretLintRuleCreator = {
    messages,
    meta: { id, type: 'scanner', recommended: true, supportedContentTypes: ['text'] },
    create(context) {
      const t = context.createTranslator(messages);
      return {
        file(source) {
          for (const hit of spec.find(source.content, source.filePath)) {
            context.report({ message: t('FOUND', { CONTEXT: hit.context, AT: hit.at ?? hit.start } as never), range: [hit.start, hit.end] });
          }
        },
      };
    },
  };
  return { id, title: spec.title, keywords: spec.keywords, priority: spec.priority ?? 2, creator };
}

export interface PatternRuleSpec extends Omit<ScannerRuleSpec, 'find'> {
  /** Each is matched globally; the `d` flag is added to find the secret's group. */
  patterns: RegExp[];
  /** The capture group (number or name) that holds the secret, or several of which the first that matched; default: the whole match. */
  secretGroup?: number | string | (number | string)[];
  /** Minimum Shannon entropy of the secret (gitleaks' `entropy`). */
  minEntropy?: number;
  /** Last word on a candidate (placeholders, stop words). */
  accept?: (secret: string, match: RegExpExecArray, text: string) => boolean;
  /** Point the finding at the start of the whole match rather than at the secret. */
  pointAtMatch?: boolean;
}

function groupSpan(m: RegExpExecArray, group: PatternRuleSpec['secretGroup']): [number, number] | undefined {
  if (group === undefined) return [m.index, m.index + m[0].length];
  for (const g of Array.isArray(group) ? group : [group]) {
    const span = typeof g === 'number' ? m.indices?.[g] : m.indices?.groups?.[g];
    if (span) return [span[0], span[1]];
  }
  return undefined;
}

/** A rule made of regular expressions (the shape of gitleaks' rules: regex, secret group, entropy, allow-list). */
export function patternRule(spec: PatternRuleSpec): SecretRule {
  const patterns = spec.patterns.map((p) => new RegExp(p.source, [...new Set(`${p.flags}gd`)].join('')));
  return scannerRule({
    ...spec,
    *find(text) {
      for (const pattern of patterns) {
        pattern.lastIndex = 0;
        for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
          if (m[0].length === 0) pattern.lastIndex++;
          const span = groupSpan(m, spec.secretGroup);
          if (!span || span[1] <= span[0]) continue;
          const secret = text.slice(span[0], span[1]);
          if (spec.minEntropy !== undefined && shannonEntropy(secret) < spec.minEntropy) continue;
          if (spec.accept && !spec.accept(secret, m, text)) continue;
          yield { start: span[0], end: span[1], context: m[0], at: spec.pointAtMatch ? m.index : span[0] };
        }
      }
    },
  });
}
