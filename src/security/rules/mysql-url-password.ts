import { scannerRule } from '../define-rule.js';
import { urlPasswords } from '../url-password.js';

/** MySQL and MariaDB URLs with a password (`mysql://`, `mysqlx://`, `mysql+driver://`, `mariadb://`, JDBC). */
export const mysqlUrlPassword = scannerRule({
  name: 'mysql-url-password',
  title: 'MySQL connection string with a password',
  keywords: ['mysql', 'mariadb'],
  find: (text) => urlPasswords(text, /\b(?:mysqlx?|mariadb)(?:\+[a-z0-9]+)?:\/\//gi),
});
