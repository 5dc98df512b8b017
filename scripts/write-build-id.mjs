// The last build step: a hash of everything the build wrote, in dist/build-id.json. Caches
// keyed on finbrain's version alone (single-writer's results) would survive a rebuild with
// different analysis code under the same version: a checkout, a git install, a local tarball.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = 'dist';
const hash = createHash('sha1');
const walk = (dir) =>
  readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .forEach((e) => {
      const path = join(dir, e.name);
      if (e.isDirectory()) return walk(path);
      if (!path.endsWith('.js')) return;
      hash.update(relative(root, path)).update('\0').update(readFileSync(path)).update('\0');
    });
walk(root);
writeFileSync(join(root, 'build-id.json'), `${JSON.stringify({ id: hash.digest('base64url').slice(0, 16) })}\n`);
