#!/usr/bin/env node
// The CLI runs from the compiled output (dist/), so start-up never pays for a
// TypeScript transform. dist/ is built by `prepack` into every tarball, and by
// `prepare` in a checkout (`npm ci`) and in a git install.
import { existsSync, readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { basename, dirname, join } from 'node:path';

// A CLI run is short: V8's default optimises the embedded database's WebAssembly
// (PGlite, ~10 MB) in the background, which costs more CPU than a run uses it for.
// Compiling each function when first called, with the baseline compiler only, halves
// an embedded `migrate up`/`status` (BENCHMARKS.md, "Embedded database start-up"). Only this
// process: the library inside a long-running service keeps V8's defaults.
setFlagsFromString('--wasm-lazy-compilation');
setFlagsFromString('--liftoff-only');

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(pkgDir, 'dist', 'src', 'cli', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write(`finbrain: the compiled CLI is missing (${entry}).\n${missingBuildFix(pkgDir)}\n`);
  process.exit(2);
}
const { main } = await import(pathToFileURL(entry).href);
await main(process.argv);

/** The fix depends on how this copy of finbrain got here. */
function missingBuildFix(dir) {
  const nodeModules = dirname(dir);
  if (basename(nodeModules) !== 'node_modules') {
    // A checkout of the finbrain repository.
    return 'Fix: run `npm ci` in this finbrain checkout (its `prepare` script builds dist/), or `npm run build`.';
  }
  const resolved = installedFrom(nodeModules);
  if (resolved?.startsWith('git')) {
    const key = resolved.replace(/#.*$/, '');
    return (
      `This copy was installed from git (${resolved}), and npm did not run finbrain's \`prepare\` build: install scripts of git dependencies are blocked\n` +
      '(--ignore-scripts, --strict-allow-scripts, or npm 12 and later without an allowScripts entry).\n' +
      `Fix: allow it in your package.json, "allowScripts": { "${key}": true, "esbuild": false } (esbuild's own script is optional for finbrain),\n` +
      'then reinstall without --ignore-scripts (rm -rf node_modules/finbrain && npm install);\n' +
      'or install a release tarball instead (`npm pack` in a finbrain checkout after `npm ci`, then `npm i -D ./finbrain-<version>.tgz`).'
    );
  }
  return (
    `This copy${resolved ? ` (from ${resolved})` : ''} was packed without its build: the tarball was made with --ignore-scripts or its \`prepack\` build failed.\n` +
    'Fix: make the tarball again in a finbrain checkout with `npm ci && npm pack` (prepack builds dist/), then `npm i -D ./finbrain-<version>.tgz`.'
  );
}

/** What npm recorded as the source of this package, if it recorded one. */
function installedFrom(nodeModules) {
  try {
    const lock = JSON.parse(readFileSync(join(nodeModules, '.package-lock.json'), 'utf8'));
    const resolved = lock.packages?.['node_modules/finbrain']?.resolved;
    return typeof resolved === 'string' ? resolved : undefined;
  } catch {
    return undefined;
  }
}
