import { patternRule } from '../define-rule.js';

/**
 * A Google service-account key as JSON anywhere (a YAML value, a string in
 * code, an env var); secretlint's gcp rule only reads whole `.json` files.
 * The secret is the `private_key` value.
 */
export const gcpServiceAccount = patternRule({
  name: 'gcp-service-account',
  title: 'Google service-account key (JSON)',
  keywords: ['service_account'],
  priority: 3,
  patterns: [/\\?"type\\?"\s*:\s*\\?"service_account\\?"[\s\S]{0,4000}?\\?"private_key\\?"\s*:\s*\\?"(?<secret>-----BEGIN[^"]{40,10000}?)\\?"/],
  secretGroup: 'secret',
  accept: (secret) => /PRIVATE KEY/.test(secret),
});
