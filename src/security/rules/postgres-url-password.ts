import { scannerRule } from '../define-rule.js';
import { isPlaceholder } from '../placeholder.js';
import { urlPasswords } from '../url-password.js';

/**
 * Postgres connection strings with an inline password: URLs (`postgres://`,
 * `postgresql://`, `postgresql+driver://`, `jdbc:postgresql://…?password=`)
 * and the libpq keyword form (`host=… password=…`). secretlint's
 * database-connection-string rule stops at a `/` or `@` in the password.
 */
const SCHEME = /\bpostgres(?:ql)?(?:\+[a-z0-9]+)?:\/\//gi;
const KEYWORD_FORM = /\b(?:host|hostaddr|dbname|user)\s*=\s*\S+[^\n]*?\bpassword\s*=\s*(?:'(?<quoted>[^'\n]+)'|(?<bare>[^\s'"`;)]+))/dgi;

export const postgresUrlPassword = scannerRule({
  name: 'postgres-url-password',
  title: 'Postgres connection string with a password',
  keywords: ['postgres', 'password'],
  *find(text) {
    yield* urlPasswords(text, SCHEME);
    for (const m of text.matchAll(KEYWORD_FORM)) {
      const span = m.indices!.groups!.quoted ?? m.indices!.groups!.bare!;
      const value = text.slice(span[0], span[1]);
      if (!isPlaceholder(value)) yield { start: span[0], end: span[1], context: m[0] };
    }
  },
});
