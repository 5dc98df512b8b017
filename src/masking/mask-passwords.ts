/**
 * Connection strings and conninfo fragments carry passwords. Every message that
 * can leave the process goes through `maskSecrets` first, so a password is never
 * printed: not in text, not in --json, not in a stack trace.
 *
 * Only the secret itself is replaced, never what surrounds it: a quote that
 * closes a string, the `"` and `,` of the JSON it sits in, the `'` of an SQL
 * literal all stay, so masked JSON is still JSON and masked SQL still SQL.
 */

const MASK = '****';

/** `scheme://user:SECRET@host`: the secret is what lies between the user's `:` and the `@`. */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@'"\\]*):([^\s@/'"\\]+)@/gi;

/**
 * `password=SECRET` in a conninfo string or a URL query. A bare value ends at
 * whitespace, `;` or `&` (where conninfo, a query string or a shell line end it)
 * and never takes a quote or a backslash with it; a quoted value (`'…'`, `"…"`,
 * `\"…\"` inside JSON, `''…''` inside an SQL literal) is masked inside its quotes. Other punctuation stays
 * part of the value: masking a little too much is safe, leaking the tail of a
 * password is not.
 */
const KEY = String.raw`\b(?:password|passwd|pwd|sslpassword)`;
const KV_PASSWORD = new RegExp(
  String.raw`(${KEY}\s*=\s*)(?:(\\")((?:[^"\\]|\\[^"])*)\\"|('')((?:[^']|'(?!'))*)''|(')((?:[^'\\]|\\.)*)'|(")((?:[^"\\]|\\.)*)"|([^\s;&'"\\]+))`,
  'gi',
);

/**
 * A value the secret scan already masked (`hu****(7 chars)`: at most four
 * characters, the mask, the length). A bare value stops at the space before
 * `chars)`, so without this it would be masked again into `****  chars)`.
 */
const ALREADY_MASKED = /^[^*\s]{0,4}\*{4}\(\d+$/;

export function maskSecrets(text: string): string {
  return text
    .replace(URL_PASSWORD, (_m, head: string) => `${head}:${MASK}@`)
    .replace(
      KV_PASSWORD,
      (
        m: string,
        key: string,
        jsonQuote: string | undefined,
        _j: string | undefined,
        sqlQuote: string | undefined,
        _q: string | undefined,
        single: string | undefined,
        _s: string | undefined,
        double: string | undefined,
        _d: string | undefined,
        bare: string | undefined,
        offset: number,
        whole: string,
      ) => {
        if (bare !== undefined && ALREADY_MASKED.test(bare) && whole.startsWith(' chars)', offset + m.length)) return m;
        const quote = jsonQuote ?? sqlQuote ?? single ?? double;
        return quote ? `${key}${quote}${MASK}${quote}` : `${key}${MASK}`;
      },
    );
}

/** A database URL reduced to what helps a human: scheme, user, host, port and database. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    const user = u.username ? `${decodeURIComponent(u.username)}${u.password ? `:${MASK}` : ''}@` : '';
    return `${u.protocol}//${user}${u.host}${u.pathname}`;
  } catch {
    return maskSecrets(url);
  }
}
