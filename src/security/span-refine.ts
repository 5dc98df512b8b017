import type { SecretLintCoreResultMessage } from '@secretlint/types';
import { isPlaceholder } from './placeholder.js';

/**
 * secretlint reports a range per message, but for several rules that range
 * is not the secret: the AWS secret key and `.npmrc` token ranges start at
 * the key name with the secret's length (so masking them printed most of the
 * secret), the database and basic-auth ranges cover the whole URL, the
 * private-key range the armour lines and the gcp range the whole file. This
 * finds the secret itself, so masking covers it and nothing else.
 */
export interface SecretSpan {
  start: number;
  end: number;
  /** Where the finding points (a private key: its BEGIN line). */
  at: number;
  /** The text `allow[].match` is tested against. */
  context: string;
}

const URL_MESSAGES = new Set(['MongoDBConnection', 'MySQLConnection', 'PostgreSQLConnection', 'BasicAuth']);

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function firstString(data: unknown): string | undefined {
  if (!data || typeof data !== 'object') return undefined;
  return Object.values(data as Record<string, unknown>).find((v): v is string => typeof v === 'string' && v.length > 0);
}

export function refineSecretlintSpan(text: string, m: SecretLintCoreResultMessage): SecretSpan | undefined {
  const [s, e] = m.range;
  const whole = text.slice(s, e);
  const data = (m.data ?? {}) as Record<string, unknown>;
  // finbrain's rules report exact spans, and where the finding points when that is not the secret's start.
  if (typeof data.CONTEXT === 'string') return { start: s, end: e, at: typeof data.AT === 'number' ? data.AT : s, context: data.CONTEXT };
  if (m.messageId === 'PrivateKey') {
    const head = /^-----BEGIN[^\n]*?-----/.exec(whole);
    const tail = whole.lastIndexOf('-----END');
    if (!head || tail <= head[0].length) return { start: s, end: e, at: s, context: whole };
    return { start: s + head[0].length, end: s + tail, at: s, context: whole };
  }
  if (m.messageId === 'PrivateKeyJSON') {
    const key = /"private_key"\s*:\s*"([^"]+)"/d.exec(whole);
    if (!key) return undefined;
    const [ks, ke] = key.indices![1]!;
    return { start: s + ks, end: s + ke, at: s + key.index, context: key[0] };
  }
  if (URL_MESSAGES.has(m.messageId)) {
    const pw = /:\/\/[^:/\s@]*:([^\s]+)@/d.exec(whole);
    // secretlint takes `<password>` and `${DB_PASSWORD}` for passwords; finbrain's placeholders are not findings.
    if (!pw || isPlaceholder(safeDecode(pw[1]!))) return undefined;
    const [ps, pe] = pw.indices![1]!;
    return { start: s + ps, end: s + pe, at: s + ps, context: whole };
  }
  const value = firstString(data);
  if (!value || whole === value) return { start: s, end: e, at: s, context: whole };
  // The value is at or after the reported start (secretlint's offset bugs all point before the secret).
  const found = text.indexOf(value, s);
  if (found !== -1 && found <= e + value.length) return { start: found, end: found + value.length, at: found, context: text.slice(s, found + value.length) };
  return { start: s, end: e, at: s, context: whole };
}
