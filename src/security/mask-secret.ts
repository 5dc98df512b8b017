/**
 * A secret is never shown whole, in any output format: at most its first two
 * characters and its length, which is enough to find it.
 */
export function maskValue(secret: string): string {
  const s = secret.trim();
  if (s.length <= 6) return '****';
  return `${s.slice(0, 2)}****(${s.length} chars)`;
}

/**
 * One line of a file with every secret span on it masked. `lineStart` is the
 * line's offset in the file and `spans` are file offsets (end exclusive). A
 * span that begins before this line (the rest of a multi-line or line-split
 * secret) is masked without a prefix: only a secret's own start may show two
 * characters. Text outside the spans is left exactly as it was. With a
 * `replacement`, every span becomes that instead (the line-safety check
 * looks at what is left around the secrets, not at the masks).
 */
/** A span to mask: file offsets, end exclusive; `continuation` for the later pieces of a line-split secret. */
export type MaskSpan = [start: number, end: number, continuation?: boolean];

export function maskLine(line: string, lineStart: number, spans: MaskSpan[], replacement?: string): string {
  const lineEnd = lineStart + line.length;
  const onLine = spans
    .filter(([s, e]) => s < lineEnd && e > lineStart)
    .map(([s, e, continuation]) => [Math.max(s, lineStart), Math.min(e, lineEnd), s >= lineStart && !continuation, e - s] as const)
    .sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = lineStart;
  for (const [s, e, startsHere, length] of onLine) {
    if (e <= at) continue;
    const from = Math.max(s, at);
    out += line.slice(at - lineStart, from - lineStart);
    const prefix = startsHere && from === s && length > 6 ? line.slice(from - lineStart, from - lineStart + 2) : '';
    out += replacement ?? `${prefix}****${prefix ? `(${length} chars)` : ''}`;
    at = e;
  }
  return out + line.slice(at - lineStart);
}
