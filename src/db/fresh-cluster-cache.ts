import { constants, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { gunzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';

/**
 * A new PGlite cluster runs initdb inside WebAssembly: seconds of CPU at every
 * first `migrate up` of a project and at every `migrate verify`. Every fresh
 * cluster of one PGlite version is the same, so the first one made on a machine
 * is kept (a gzipped dump of about 4.5 MB for in-memory clusters, its 39 MB
 * directory for clusters on disk) and later ones start from it instead.
 *
 * It is only a cache: a dump that cannot be read, written or loaded costs an
 * initdb, never a failure. `FINBRAIN_CACHE_DIR` moves it (`none` turns it off);
 * the default follows XDG (`$XDG_CACHE_HOME/finbrain`, else `~/.cache/finbrain`).
 */
export interface FreshClusterCache {
  /** The dump of a fresh cluster, if one is cached for this PGlite version (for an in-memory cluster). */
  read(): Blob | undefined;
  /** Fills the empty `dataDir` with a cached fresh cluster's files; false when none is cached. */
  copyTo(dataDir: string): boolean;
  /** Keeps the dump of a cluster that initdb has just made (nothing else has run on it). */
  rememberDump(dump: () => Promise<Blob>): Promise<void>;
  /** Whether a fresh cluster's directory is cached (else rememberDirectory wants one). */
  hasDirectory(): boolean;
  /** Keeps a copy of `dataDir`, a closed cluster that initdb has just made. */
  rememberDirectory(dataDir: string): void;
  /** Drops a cached cluster that failed to load. */
  discard(): void;
}

const FORMAT = 1;

export function freshClusterCache(env: NodeJS.ProcessEnv = process.env): FreshClusterCache {
  const base = cacheBase(env);
  // Copying a directory takes a tenth of a second; extracting the dump onto disk takes seconds.
  const file = base && `${base}.tar.gz`;
  const dir = base && `${base}.d`;
  return {
    read() {
      if (!file || !existsSync(file)) return undefined;
      try {
        // Unpacked here by zlib: a plain tar loads at once, where PGlite would first try it as
        // one and then inflate it through a web stream (about 0.2 s of CPU more per cluster).
        return new Blob([gunzipSync(readFileSync(file))]);
      } catch {
        // Not a gzip stream (cut short, overwritten): made again by the next new cluster.
        rmSync(file, { force: true });
        return undefined;
      }
    },
    copyTo(dataDir) {
      if (!dir || !existsSync(dir)) return false;
      try {
        // A copy-on-write clone where the file system has them (btrfs, XFS, APFS): the
        // ~970 files then cost next to nothing; elsewhere (ext4) a plain copy, ~0.3 s.
        cpSync(dir, dataDir, { recursive: true, mode: constants.COPYFILE_FICLONE });
        return true;
      } catch {
        return false;
      }
    },
    async rememberDump(dump) {
      if (!file || existsSync(file)) return;
      await aside(file, async (part) => writeFileSync(part, Buffer.from(await (await dump()).arrayBuffer())));
    },
    hasDirectory() {
      return !dir || existsSync(dir);
    },
    rememberDirectory(dataDir) {
      if (!dir || existsSync(dir)) return;
      void aside(dir, (part) => cpSync(dataDir, part, { recursive: true }));
    },
    discard() {
      if (file) rmSync(file, { force: true });
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Writes `target` by way of a file or directory beside it, then renames: a reader
 * never sees half of one, and of two writers one wins whole. Failing (a read-only
 * or full disk, a lost race) only means the next run copes as this one did.
 */
async function aside(target: string, write: (part: string) => unknown): Promise<void> {
  const part = `${target}.${process.pid}.part`;
  try {
    // Private to this user: a cluster planted here would be every new embedded database's starting point.
    mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
    await write(part);
    renameSync(part, target);
  } catch {
    rmSync(part, { recursive: true, force: true });
  }
}

function cacheBase(env: NodeJS.ProcessEnv): string | undefined {
  const setting = env.FINBRAIN_CACHE_DIR;
  if (setting === 'none') return undefined;
  const base = setting || (env.XDG_CACHE_HOME ? join(env.XDG_CACHE_HOME, 'finbrain') : join(env.HOME || homedir(), '.cache', 'finbrain'));
  const version = pgliteVersion();
  return version ? join(base, `pglite-${version}-fresh-cluster-v${FORMAT}`) : undefined;
}

let version: string | undefined | null = null;

/** The installed PGlite's version (a dump is only valid for the version that made it). */
function pgliteVersion(): string | undefined {
  if (version !== null) return version;
  version = undefined;
  try {
    let dir = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
    for (let i = 0; i < 4; i++, dir = dirname(dir)) {
      const manifest = join(dir, 'package.json');
      if (!existsSync(manifest)) continue;
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@electric-sql/pglite' && pkg.version) return (version = pkg.version);
    }
  } catch {
    // Not resolvable from here: no cache.
  }
  return version;
}

/** True when `dataDir` holds no cluster yet (in memory, missing or empty). */
export function isNewDataDir(dataDir: string): boolean {
  if (dataDir.startsWith('memory://')) return true;
  return !existsSync(dataDir) || readdirSync(dataDir).length === 0;
}
