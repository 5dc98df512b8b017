import { patternRule } from '../define-rule.js';

/** Microsoft Entra ID (Azure AD) application client secrets: three characters, a digit, `Q~`, then 31–34 more. */
export const azureAdClientSecret = patternRule({
  name: 'azure-ad-client-secret',
  title: 'Azure AD client secret',
  keywords: ['q~'],
  patterns: [/(?:^|[\\'"`\s>=:(,)])(?<secret>[a-zA-Z0-9_~.]{3}\dQ~[a-zA-Z0-9_~.-]{31,34})(?=$|[\\'"`\s<),])/m],
  secretGroup: 'secret',
  minEntropy: 3,
});
