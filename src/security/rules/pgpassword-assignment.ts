import { patternRule } from '../define-rule.js';
import { isPlaceholder } from '../placeholder.js';

/** `PGPASSWORD=…` in a script, a Dockerfile, a CI file or an env block: libpq reads it as the password. */
export const pgpasswordAssignment = patternRule({
  name: 'pgpassword-assignment',
  title: 'PGPASSWORD with a literal password',
  keywords: ['pgpassword'],
  patterns: [/\bPGPASSWORD['"]?\s*(?:=|:)\s*(?:(['"])(?<quoted>[^'"\n]+)\1|(?<bare>[^\s'";&|)]+))/],
  secretGroup: ['quoted', 'bare'],
  accept: (value) => !isPlaceholder(value) && !value.startsWith('$'),
});
