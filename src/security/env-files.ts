import { basename } from 'node:path';
import type { Finding } from '../findings/finding.js';
import { isPlaceholder } from './placeholder.js';

const ENV_NAME = /^(\.env(\..+)?|.+\.env)$/;
const PLACEHOLDER = /^(|<[^>]*>|\$\{[^}]*\}|x+|\*+|changeme|change_me|change-me|todo|example|placeholder|your[-_a-z]*|\.\.\.|none|null|false|true|\d{1,5}|localhost|127\.0\.0\.1|development|production|test)$/i;

/**
 * A value a template may hold: empty, a placeholder (`<api-key>`, `${TOKEN}`,
 * `changeme`, `xxxx`, `your-smtp-password`), a URL without credentials, or a
 * description made of words, numbers and short parts (`alpha-vantage-api-key`,
 * `Your session secret goes here`, `openai/gpt-oss-120b`,
 * `828110519058.apps.googleusercontent.com`). What is left looks like a real
 * value: a token-like run such as `41860e58c256a3d7ad8267d3c1939a4a`.
 */
function isTemplateValue(value: string): boolean {
  if (PLACEHOLDER.test(value) || isPlaceholder(value)) return true;
  if (/<[^>]+>|\$\{[^}]+\}|\{\{[^}]+\}\}|x{4,}|\*{3,}|(?:^|[^a-z])(?:your|my|example|sample|placeholder|here|changeme|replace)(?:[^a-z]|$)/i.test(value)) return true;
  if (/^[a-z]+:\/\/[^:@\s]+(:\d+)?(\/\S*)?$/i.test(value)) return true;
  const parts = value.split(/[\s\-_./:@,+]+/).filter(Boolean);
  return parts.every((p) => /^[A-Za-z]+$/.test(p) || /^\d+$/.test(p) || p.length <= 5);
}

export function isEnvFile(relPath: string): boolean {
  return ENV_NAME.test(basename(relPath));
}

/** Committed env files; templates pass when every value is empty or a placeholder. */
export function envFileFindings(relPath: string, text: string | undefined, templates: string[]): Finding[] {
  const name = basename(relPath);
  if (!templates.includes(name)) {
    return [
      {
        ruleId: 'security/committed-env-file',
        severity: 'error',
        file: relPath,
        line: 1,
        column: 1,
        message: `environment file ${relPath} is tracked by git`,
        hint: `git rm --cached ${relPath} && echo '${name}' >> .gitignore, commit, then rotate every credential it held (it stays in the history).`,
      },
    ];
  }
  const out: Finding[] = [];
  (text ?? '').split('\n').forEach((line, i) => {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) return;
    const value = m[2]!.trim().replace(/^(['"])(.*)\1$/, '$2');
    if (isTemplateValue(value)) return;
    out.push({
      ruleId: 'security/env-template-value',
      severity: 'error',
      file: relPath,
      line: i + 1,
      column: line.indexOf(m[2]!) + 1,
      message: `${m[1]} in template ${relPath} has a value that is not a placeholder`,
      hint: `Replace it with a placeholder such as <${m[1]!.toLowerCase()}>; rotate it if it was real.`,
    });
  });
  return out;
}
