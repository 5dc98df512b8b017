/**
 * Values that stand for a secret without being one: template variables,
 * angle-bracket placeholders, masks, and the words people type in examples.
 * Shared by the rules that match an assignment or a URL password.
 */
const VARIABLE = /^(\$\{[^}]*\}|\$\(?[A-Za-z_][A-Za-z0-9_]*\)?|\{\{[^}]*\}\}|\{[A-Za-z_][^}]*\}|%[A-Za-z_]+%|<[^>]*>|@[A-Za-z_]+@|\[[^\]]*\])$/;
const WORD =
  /^(x+|\*+|\.+|…+|-+|_+|0+|changeme|change[-_]?me|changeit|replace[-_]?me|secret|password|passwd|pass|pwd|pw|token|apikey|api[-_]key|example|sample|dummy|fake|placeholder|redacted|hidden|none|null|nil|undefined|true|false|todo|tbd|test|testing|your[-_a-z]*|my[-_]?(secret|password|token|key)|user|username|admin|root|guest|foo|bar|baz|foobar)$/i;

export function isPlaceholder(value: string): boolean {
  const v = value.trim().replace(/^(['"`])(.*)\1$/, '$2');
  // Too short to be a credential anyone would rotate (secretlint's threshold).
  if (v.length < 4) return true;
  if (VARIABLE.test(v) || WORD.test(v)) return true;
  // process.env.X, os.environ["X"], settings.X: a reference, not a value.
  if (/^(process\.env|import\.meta\.env|os\.environ|env|ENV|config|settings|secrets|vars)[.[]/.test(v)) return true;
  // One character repeated (aaaa, 1111) is a mask, and so is anything already masked (`ab****`).
  return /^(.)\1+$/.test(v) || v.includes('***');
}
