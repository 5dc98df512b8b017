/**
 * Connection strings and conninfo fragments carry passwords. Every message that
 * can leave the process goes through `maskSecrets` first, so a password is never
 * printed: not in text, not in --json, not in a stack trace.
 */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@'"]*):([^\s@/'"]*)@/gi;
const KV_PASSWORD = /\b(password|passwd|pwd)\s*=\s*('[^']*'|"[^"]*"|[^\s;&]+)/gi;
const QUERY_PASSWORD = /([?&](?:password|sslpassword)=)[^&\s'"]+/gi;

export function maskSecrets(text: string): string {
  return text
    .replace(URL_PASSWORD, (_m, head: string) => `${head}:****@`)
    .replace(KV_PASSWORD, (_m, key: string) => `${key}=****`)
    .replace(QUERY_PASSWORD, (_m, key: string) => `${key}****`);
}

/** A database URL reduced to what helps a human: scheme, user, host, port and database. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    const user = u.username ? `${decodeURIComponent(u.username)}${u.password ? ':****' : ''}@` : '';
    return `${u.protocol}//${user}${u.host}${u.pathname}`;
  } catch {
    return maskSecrets(url);
  }
}
