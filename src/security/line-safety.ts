import { shannonEntropy } from './entropy.js';

/**
 * Whether a line (after masking every secret the rules found on it) can be
 * printed. No rule set finds every secret, and a code frame shows the whole
 * line, so a line that still holds anything token-like is not shown: 12 or
 * more token characters mixing letters and digits with some randomness, or
 * a long high-entropy run. The finding keeps its file, line and column.
 */
const TOKEN = /[A-Za-z0-9+/=_~-]{12,}/g;

/** A mask finbrain printed (`gh****(40 chars)`, `****`): not a token, and its two-character prefix is no secret. */
const MASK = /[^\s*]{0,2}\*{4,}(?:\(\d+ chars\))?/g;

export function lineLooksSafe(line: string): boolean {
  for (const [token] of line.replace(MASK, ' ').matchAll(TOKEN)) {
    const h = shannonEntropy(token);
    if (/[A-Za-z]/.test(token) && /\d/.test(token) && h >= 3) return false;
    if (token.length >= 24 && h >= 4) return false;
  }
  return true;
}
