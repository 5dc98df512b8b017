import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../findings/finding.js';

/**
 * The content-hash cache of single-writer results (`.finbrain/cache/`). A
 * file's findings are reused when its content, the content of every module its
 * analysis read, the configs and manifests the resolver read, the options and
 * finbrain's version are all unchanged. A different file list starts over
 * (a new file can change what an import resolves to).
 */
export interface CachedFile {
  hash: string;
  deps: Record<string, string>;
  findings: Finding[];
  sinks: number;
  unresolved: string[];
  undeclared: string[];
}

export interface CacheDocument {
  key: string;
  inputs: Record<string, string>;
  files: Record<string, CachedFile>;
}

export function hashText(text: string | undefined): string {
  return text === undefined ? '-' : createHash('sha1').update(text).digest('base64url');
}

export function runKey(version: string, options: unknown, files: string[]): string {
  return hashText(JSON.stringify({ version, options, files }));
}

const FILE = 'single-writer.json';

export function loadCache(dir: string, key: string): CacheDocument | undefined {
  try {
    const doc = JSON.parse(readFileSync(join(dir, FILE), 'utf8')) as CacheDocument;
    return doc.key === key ? doc : undefined;
  } catch {
    return undefined;
  }
}

export function saveCache(dir: string, doc: CacheDocument): void {
  try {
    mkdirSync(dir, { recursive: true });
    const tmp = join(dir, `${FILE}.${process.pid}.tmp`);
    writeFileSync(tmp, JSON.stringify(doc));
    renameSync(tmp, join(dir, FILE));
  } catch {
    // A read-only checkout still gets its answer; only the next run is slower.
  }
}
