import { scannerRule } from '../define-rule.js';
import { isPlaceholder } from '../placeholder.js';

/**
 * Registry credentials in .npmrc: `//registry/:_authToken=…`, `_auth=…`,
 * `_password=…`. An `${ENV}` reference is the safe form and not a finding.
 */
const AUTH = /^\s*(?:\/\/[^\s=]*:)?(?:_authToken|_auth|_password)\s*=\s*(\S+)\s*$/dgm;

export const npmrcAuthToken = scannerRule({
  name: 'npmrc-auth-token',
  title: 'npm registry credential in .npmrc',
  keywords: ['_auth', '_password'],
  *find(text, path) {
    if (!/(^|[\\/])\.npmrc$/.test(path ?? '')) return;
    for (const m of text.matchAll(AUTH)) {
      const [start, end] = m.indices![1]!;
      if (!isPlaceholder(m[1]!)) yield { start, end, context: m[0] };
    }
  },
});
