import { spawnSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir, writeTree } from '../helpers/tmp.js';

/**
 * bin/finbrain.js without dist/ next to it: the message must give the fix that
 * works for the way this copy was installed.
 */
const BIN = fileURLToPath(new URL('../../bin/finbrain.js', import.meta.url));

function runCopy(pkgDir: string) {
  cpSync(BIN, join(pkgDir, 'bin', 'finbrain.js'));
  const r = spawnSync(process.execPath, [join(pkgDir, 'bin', 'finbrain.js'), 'migrate', 'up'], { encoding: 'utf8' });
  return { code: r.status, stderr: r.stderr, stdout: r.stdout };
}

describe('the compiled CLI is missing', () => {
  it('in a checkout: run npm ci there', () => {
    const dir = tempDir();
    writeTree(dir, { 'finbrain/package.json': '{"name":"finbrain"}' });
    const r = runCopy(join(dir, 'finbrain'));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`the compiled CLI is missing (${join(dir, 'finbrain', 'dist', 'src', 'cli', 'main.js')})`);
    expect(r.stderr).toContain('Fix: run `npm ci` in this finbrain checkout');
  });

  it('installed from git with its prepare build blocked: the allowScripts entry to add, or a tarball', () => {
    const dir = tempDir();
    const resolved = 'git+ssh://git@github.com/acme/finbrain.git#0123456789abcdef0123456789abcdef01234567';
    writeTree(dir, {
      'node_modules/finbrain/package.json': '{"name":"finbrain"}',
      'node_modules/.package-lock.json': JSON.stringify({ packages: { 'node_modules/finbrain': { version: '0.1.0', resolved } } }),
    });
    const r = runCopy(join(dir, 'node_modules', 'finbrain'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`This copy was installed from git (${resolved}), and npm did not run finbrain's \`prepare\` build`);
    // npm matches a git dependency's allowScripts entry by its URL without the commit.
    expect(r.stderr).toContain('"allowScripts": { "git+ssh://git@github.com/acme/finbrain.git": true, "esbuild": false }');
    expect(r.stderr).toContain('reinstall without --ignore-scripts');
    expect(r.stderr).toContain('npm i -D ./finbrain-<version>.tgz');
  });

  it('installed from a tarball packed without its build: pack it again with the build', () => {
    const dir = tempDir();
    writeTree(dir, {
      'node_modules/finbrain/package.json': '{"name":"finbrain"}',
      'node_modules/.package-lock.json': JSON.stringify({ packages: { 'node_modules/finbrain': { version: '0.1.0', resolved: 'file:../finbrain-0.1.0.tgz' } } }),
    });
    const r = runCopy(join(dir, 'node_modules', 'finbrain'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('This copy (from file:../finbrain-0.1.0.tgz) was packed without its build');
    expect(r.stderr).toContain('`npm ci && npm pack` (prepack builds dist/)');
    expect(r.stderr).not.toContain('allowScripts');
  });
});
