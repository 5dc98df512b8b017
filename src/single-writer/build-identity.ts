import { readFileSync } from 'node:fs';

/**
 * What the single-writer results cache is keyed on besides its inputs: finbrain's version,
 * and its build when built (`dist/build-id.json`, scripts/write-build-id.mjs). A checkout, a
 * git install or a local tarball can change the analysis under one version; results cached by
 * one build are never another's. `here` is this module's URL (a parameter for tests).
 */
export function buildIdentity(here: string = import.meta.url): string {
  let version = '0';
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, here), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'finbrain') {
        version = pkg.version ?? '0';
        break;
      }
    } catch {
      // try the next layout (src/ under tsx, dist/src/ when built)
    }
  }
  try {
    const build = JSON.parse(readFileSync(new URL('../../build-id.json', here), 'utf8')) as { id?: unknown };
    if (typeof build.id === 'string' && build.id) version += `+${build.id}`;
  } catch {
    // not built (running from src/): the version alone
  }
  return version;
}
