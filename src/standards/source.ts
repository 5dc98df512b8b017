/** `' Chat '` → `chat`; undefined when not one of the allowed sources. */
export function normalizeSource(value: string, allowed: readonly string[]): string | undefined {
  const v = value.trim().replace(/\s+/g, ' ').toLowerCase();
  return allowed.some((a) => a.toLowerCase() === v) ? v : undefined;
}
