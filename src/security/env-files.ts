import { basename } from 'node:path';
import type { Finding } from '../findings/finding.js';

const ENV_NAME = /^(\.env(\..+)?|.+\.env)$/;
const PLACEHOLDER = /^(|<[^>]*>|\$\{[^}]*\}|x+|\*+|changeme|change_me|change-me|todo|example|placeholder|your[-_a-z]*|\.\.\.|none|null|false|true|\d{1,5}|localhost|127\.0\.0\.1|development|production|test)$/i;

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
    if (PLACEHOLDER.test(value) || /^<.*>$/.test(value)) return;
    // A value built around a placeholder (`postgres://app:<password>@localhost/app`, `sk_live_<your-key>`) is a template;
    // whatever real secret it might still hold, the secret rules look at it too.
    if (/<[^>\s]+>|\$\{[^}]+\}|\{\{[^}]+\}\}/.test(value)) return;
    // URLs without credentials are harmless examples.
    if (/^[a-z]+:\/\/[^:@\s]+(:\d+)?(\/\S*)?$/i.test(value)) return;
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
