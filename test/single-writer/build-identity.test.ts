import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildIdentity } from '../../src/single-writer/build-identity.js';
import { makeTree } from '../helpers/tmp.js';

/** An installed finbrain's layout: package.json at the top, the module under dist/src/single-writer/. */
function installed(files: Record<string, string>): { dir: string; here: string } {
  const dir = makeTree({ 'package.json': JSON.stringify({ name: 'finbrain', version: '1.2.3' }), ...files });
  return { dir, here: pathToFileURL(join(dir, 'dist', 'src', 'single-writer', 'build-identity.js')).href };
}

describe('the single-writer cache key names the build, not only the version', () => {
  it('a rebuild under the same version is a different identity; the same build is the same', () => {
    const { dir, here } = installed({ 'dist/build-id.json': '{"id":"first"}\n' });
    expect(buildIdentity(here)).toBe('1.2.3+first');
    expect(buildIdentity(here)).toBe('1.2.3+first');
    writeFileSync(join(dir, 'dist', 'build-id.json'), '{"id":"second"}\n');
    expect(buildIdentity(here)).toBe('1.2.3+second');
  });

  it('without a build id (running from src/, or an unreadable one) it is the version alone', () => {
    expect(buildIdentity(installed({}).here)).toBe('1.2.3');
    expect(buildIdentity(installed({ 'dist/build-id.json': 'not json' }).here)).toBe('1.2.3');
    expect(buildIdentity(installed({ 'dist/build-id.json': '{"id":7}' }).here)).toBe('1.2.3');
  });

  it("this checkout's build writes one, and the package ships it", () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { files: string[]; version: string };
    expect(pkg.files).toContain('dist/build-id.json');
    const built = new URL('../../dist/src/single-writer/build-identity.js', import.meta.url).href;
    expect(buildIdentity(built)).toMatch(new RegExp(`^${pkg.version.replace(/\./g, '\\.')}\\+[\\w-]{16}$`));
  });
});
