import { scannerRule } from '../define-rule.js';
import { urlPasswords } from '../url-password.js';

/** MongoDB URLs with a password (`mongodb://`, `mongodb+srv://`, several hosts). */
export const mongodbUrlPassword = scannerRule({
  name: 'mongodb-url-password',
  title: 'MongoDB connection string with a password',
  keywords: ['mongodb'],
  find: (text) => urlPasswords(text, /\bmongodb(?:\+srv)?:\/\//gi),
});
