import { generateKeyPairSync } from 'node:crypto';
import { git, makeTree } from '../helpers/tmp.js';

/**
 * Secrets for fixture repositories are assembled at run time, so this
 * repository's own `check security` never sees one in its sources.
 */
export const secrets = {
  privateKey: generateKeyPairSync('rsa', { modulusLength: 1024, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey,
  githubToken: ['ghp', 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'].join('_'),
  pgPassword: ['Very', 'Secret', '99x'].join(''),
  get pgUrl() {
    return `postgresql://svc:${this.pgPassword}@db.internal:5432/app`;
  },
  envPassword: ['hunter', '2', 'prod'].join(''),
  allowlisted: ['postgres://demo', 'demo@localhost/demo'].join(':'),
};

export function fixtureRepo(files: Record<string, string>): string {
  const dir = makeTree(files);
  git(dir, ['init', '-q', '-b', 'main']);
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '-m', 'fixture']);
  return dir;
}
