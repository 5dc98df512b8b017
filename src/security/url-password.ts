import type { RuleHit } from './define-rule.js';
import { isPlaceholder } from './placeholder.js';

/**
 * Passwords in connection URLs, written the way people really write them
 * (finbrain-ignore-secret: the examples below document the parser)
 * raw `@`, `/` and `:` inside the password (`postgres://u:p@ss/w:rd@host/db`),
 * several hosts (`mongodb://u:p@h1,h2`), an empty user (`redis://:pw@host`),
 * and the password as a query parameter (`?password=…`, JDBC's `&password=`).
 */
const END = /[\s'"`<>\\]/;
const HOST_THEN_REST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~%-]+)(?::\d*)?(?:,(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~%-]+)(?::\d*)?)*(?:[/?#;,)]|$)/;
const PLAIN_HOST_PORT = /^[A-Za-z0-9._~%-]*(?::\d+)?$/;
const QUERY_PASSWORD = /[?&;](?:password|sslpassword|pass|pwd)=([^&#;\s]+)/gi;

function decoded(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * Offsets (in `rest`, the text after `scheme://`) of the userinfo password, if
 * the URL has one. The userinfo ends at the last `@` that is followed by a
 * host and preceded by no `?` or `#` (so `p@ss/w:rd@host` is one password,
 * and an `@` in a query string is not a userinfo end).
 */
function userinfoPassword(rest: string): [number, number] | undefined {
  const cut = rest.search(/[/?#]/);
  const authorityGuess = cut === -1 ? rest : rest.slice(0, cut);
  // `host:5432/db?x=a@b`: the part before the path is a plain host, so a later `@` is not userinfo.
  if (!authorityGuess.includes('@') && PLAIN_HOST_PORT.test(authorityGuess)) return undefined;
  let chosen = -1;
  for (let at = rest.indexOf('@'); at !== -1; at = rest.indexOf('@', at + 1)) {
    if (/[?#]/.test(rest.slice(0, at))) break;
    if (HOST_THEN_REST.test(rest.slice(at + 1))) chosen = at;
  }
  if (chosen === -1) return undefined;
  const userinfo = rest.slice(0, chosen);
  const colon = userinfo.indexOf(':');
  if (colon === -1 || /[\s/?#@]/.test(userinfo.slice(0, colon))) return undefined;
  return colon + 1 < chosen ? [colon + 1, chosen] : undefined;
}

/** Every non-placeholder password in the URLs whose scheme `scheme` (a global regex ending in `://`) matches. */
export function* urlPasswords(text: string, scheme: RegExp): Iterable<RuleHit> {
  scheme.lastIndex = 0;
  for (let m = scheme.exec(text); m; m = scheme.exec(text)) {
    const from = m.index + m[0].length;
    let end = from;
    while (end < text.length && !END.test(text[end]!)) end++;
    const rest = text.slice(from, end);
    const context = text.slice(m.index, end);
    const userinfo = userinfoPassword(rest);
    if (userinfo && !isPlaceholder(decoded(rest.slice(userinfo[0], userinfo[1])))) {
      yield { start: from + userinfo[0], end: from + userinfo[1], context };
    }
    for (const q of rest.matchAll(QUERY_PASSWORD)) {
      const value = q[1]!;
      if (isPlaceholder(decoded(value))) continue;
      const start = from + q.index! + q[0].length - value.length;
      yield { start, end: start + value.length, context };
    }
    scheme.lastIndex = Math.max(scheme.lastIndex, end);
  }
}
