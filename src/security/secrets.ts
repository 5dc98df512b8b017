import type { SecretLintCoreConfig } from '@secretlint/types';
import picomatch from 'picomatch';
import type { Finding } from '../findings/finding.js';
import { maskRange, maskValue } from './mask-secret.js';
import { npmrcAuthTokenRule } from './rules/npmrc-auth-token.js';
import { postgresUrlPasswordRule } from './rules/postgres-url-password.js';

export interface AllowEntry {
  rule?: string;
  path?: string;
  match?: string;
  reason: string;
}

const INLINE_IGNORE = /finbrain-ignore-secret\b:?\s*(.*)$/;

let configPromise: Promise<SecretLintCoreConfig> | undefined;

/** secretlint's recommended preset plus finbrain's two rules; loaded once per process. */
function secretlintConfig(): Promise<SecretLintCoreConfig> {
  configPromise ??= import('@secretlint/secretlint-rule-preset-recommend').then(({ creator }) => ({
    rules: [
      { id: '@secretlint/secretlint-rule-preset-recommend', rule: creator },
      { id: 'finbrain/postgres-url-password', rule: postgresUrlPasswordRule },
      { id: 'finbrain/npmrc-auth-token', rule: npmrcAuthTokenRule },
    ],
  }));
  return configPromise;
}

export interface SecretScanResult {
  findings: Finding[];
  allowed: number;
}

/** Scans one file's text with secretlint; findings are masked, suppressions honoured. */
export async function scanSecrets(relPath: string, text: string, allow: AllowEntry[]): Promise<SecretScanResult> {
  const { lintSource } = await import('@secretlint/core');
  const result = await lintSource({
    source: { content: text, filePath: relPath, ext: relPath.includes('.') ? relPath.slice(relPath.lastIndexOf('.')) : '', contentType: 'text' },
    options: { maskSecrets: true, config: await secretlintConfig(), noPhysicFilePath: true },
  });
  const lines = text.split('\n');
  const findings: Finding[] = [];
  const seen: [number, number][] = [];
  let allowed = 0;
  for (const m of [...result.messages].sort((a, b) => a.range[0] - b.range[0] || (a.ruleId.startsWith('finbrain/') ? -1 : 1))) {
    // The preset and finbrain's own rule may both see one Postgres URL: report it once.
    if (seen.some(([s, e]) => m.range[0] < e && m.range[1] > s)) continue;
    seen.push([m.range[0], m.range[1]]);
    const secret = text.slice(m.range[0], m.range[1]);
    const ruleId = m.ruleId.replace('@secretlint/secretlint-rule-', 'secretlint/');
    const line = m.loc.start.line;
    const lineText = lines[line - 1] ?? '';
    const prevText = lines[line - 2] ?? '';
    const inline = INLINE_IGNORE.exec(lineText) ?? INLINE_IGNORE.exec(prevText);
    if (inline && inline[1]!.trim().length >= 3) {
      allowed++;
      continue;
    }
    const entry = allow.find(
      (a) =>
        (!a.rule || a.rule === ruleId || a.rule === m.ruleId) &&
        (!a.path || picomatch.isMatch(relPath, a.path, { dot: true })) &&
        (!a.match || new RegExp(a.match).test(secret)),
    );
    if (entry) {
      allowed++;
      continue;
    }
    const startCol = m.loc.start.column;
    const endCol = m.loc.end.line === line ? m.loc.end.column : lineText.length;
    findings.push({
      ruleId: 'security/secret',
      severity: 'error',
      file: relPath,
      line,
      column: startCol + 1,
      detector: ruleId,
      message: `${ruleId}: ${m.message.replace(/\*{4,}/g, maskValue(secret))}`,
      hint:
        'Remove it and load it from the environment or a secret store, then rotate it (it is in the git history). ' +
        (inline ? 'An inline `finbrain-ignore-secret:` needs a reason. ' : '') +
        'A false positive: allow it in checks.security.allow with a reason, or add `finbrain-ignore-secret: <reason>` on the line.',
      snippet: { startLine: line, lines: [maskRange(lineText, startCol, endCol)] },
    });
  }
  return { findings, allowed };
}
