/**
 * A secret is never shown whole, in any output format: the first two
 * characters and the length are enough to find it.
 */
export function maskValue(secret: string): string {
  const s = secret.trim();
  if (s.length <= 4) return '****';
  return `${s.slice(0, 2)}****(${s.length} chars)`;
}

/** The line with the secret's range (columns are 0-based, end exclusive) masked. */
export function maskRange(line: string, start: number, end: number): string {
  return `${line.slice(0, start)}${maskValue(line.slice(start, end))}${line.slice(end)}`;
}
