import { patternRule } from '../define-rule.js';

/**
 * Any PEM private-key block secretlint's privatekey rule does not take:
 * `ENCRYPTED PRIVATE KEY` (PKCS#8 encrypted), `SSH2 ENCRYPTED PRIVATE KEY`,
 * and bodies it rejects. The secret is the body between the armour lines;
 * a body of placeholders (`...`, `<key>`) is not a key.
 */
export const privateKeyBlock = patternRule({
  name: 'private-key-block',
  title: 'private key',
  keywords: ['-----begin'],
  priority: 1,
  patterns: [/-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----(?<secret>[\s\S]{64,20000}?)-----END[ A-Z0-9_-]{0,100}PRIVATE KEY/],
  secretGroup: 'secret',
  pointAtMatch: true,
  accept: (body) => {
    const b64 = body.replace(/\\[nr]|\s|[A-Za-z-]+:[^\n]*\n/g, '');
    return /^[A-Za-z0-9+/=]{64,}$/.test(b64);
  },
});
