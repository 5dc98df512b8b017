import { patternRule } from '../define-rule.js';

/** JSON Web Tokens: a base64url JSON header (`eyJ`), a payload and a signature (gitleaks: jwt). */
export const jwt = patternRule({
  name: 'jwt',
  title: 'JSON Web Token',
  keywords: ['eyj'],
  patterns: [/\beyJ[A-Za-z0-9_-]{15,}\.eyJ[A-Za-z0-9_-]{15,}\.[A-Za-z0-9_-]{10,}={0,2}(?![A-Za-z0-9_=-])/],
  minEntropy: 3,
});
