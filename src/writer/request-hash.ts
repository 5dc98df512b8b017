import { createHash } from 'node:crypto';

/** JSON with sorted keys (and bigint/Date as text), so equal requests hash equally whatever their key order. */
function canonical(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'bigint') return JSON.stringify(value.toString());
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** What the idempotency records store to tell a retry (same hash) from a different request under a reused key. */
export function requestHash(operation: string, request: unknown): string {
  return createHash('sha256').update(`${operation}\n${canonical(request)}`).digest('hex');
}
