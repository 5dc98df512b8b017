import { scannerRule } from '../define-rule.js';
import { urlPasswords } from '../url-password.js';

/** Redis URLs with a password (`redis://:pw@host`, `rediss://user:pw@host`). */
export const redisUrlPassword = scannerRule({
  name: 'redis-url-password',
  title: 'Redis connection string with a password',
  keywords: ['redis'],
  find: (text) => urlPasswords(text, /\brediss?:\/\//gi),
});
