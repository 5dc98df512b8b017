import { appendFileSync, cpSync, existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { freshClusterCache } from '../../src/db/fresh-cluster-cache.js';
import { openPgliteDb } from '../../src/db/pglite-db.js';
import { runCli } from '../helpers/cli.js';
import { chain } from '../helpers/revisions.js';
import { makeTree, tempDir } from '../helpers/tmp.js';

const noDb = { DATABASE_URL: undefined, NODE_ENV: undefined, CONCURRENT_MIGRATION: undefined };
const runCache = process.env.FINBRAIN_CACHE_DIR;

afterEach(() => {
  process.env.FINBRAIN_CACHE_DIR = runCache;
});

function cached(cacheDir: string): { dump?: string; dir?: string } {
  const entries = existsSync(cacheDir) ? readdirSync(cacheDir) : [];
  const dump = entries.find((e) => /^pglite-.+-fresh-cluster-v\d+\.tar\.gz$/.test(e));
  const dir = entries.find((e) => /^pglite-.+-fresh-cluster-v\d+\.d$/.test(e));
  return { dump: dump && join(cacheDir, dump), dir: dir && join(cacheDir, dir) };
}

/** A cache already filled: a copy of this run's (test/setup/fresh-pglite-snapshot.ts), so no initdb. */
function filledCache(): string {
  const cacheDir = join(tempDir(), 'cache');
  cpSync(inject('finbrainCacheDir'), cacheDir, { recursive: true });
  return cacheDir;
}

/** Marks the cached cluster directory with a setting initdb never writes, to tell which clusters came from it. */
function markCache(cacheDir: string): void {
  appendFileSync(join(cached(cacheDir).dir!, 'postgresql.auto.conf'), "finbrain.came_from = 'the cache'\n");
}

async function cameFromTheMarkedCache(project: string): Promise<boolean> {
  const db = await openPgliteDb(join(project, '.finbrain/pglite'));
  try {
    return (await db.query<{ v: string | null }>("SELECT current_setting('finbrain.came_from', true) AS v")).rows[0]!.v === 'the cache';
  } finally {
    await db.close();
  }
}

describe('the fresh-cluster cache', () => {
  it('is filled by the first new cluster; later new clusters start from it; an existing cluster is never replaced', async () => {
    const cacheDir = join(tempDir(), 'cache');
    const env = { ...noDb, FINBRAIN_CACHE_DIR: cacheDir };
    const first = makeTree(chain(['a1']));
    expect((await runCli(['migrate', 'up'], { cwd: first, env })).code).toBe(0);
    const { dump, dir } = cached(cacheDir);
    expect(dir, 'the directory for clusters on disk').toBeDefined();
    expect(dump, 'the dump is made by the first in-memory cluster, not here').toBeUndefined();
    expect(readdirSync(cacheDir).filter((e) => e.endsWith('.part')), 'nothing half-written left behind').toEqual([]);
    expect(statSync(cacheDir).mode & 0o777, 'private to this user').toBe(0o700);
    // The cache holds the fresh cluster, not the project's.
    expect(readdirSync(join(dir!, 'base')).sort()).toEqual(readdirSync(join(inject('freshPgliteDir'), 'base')).sort());

    markCache(cacheDir);
    const second = makeTree(chain(['a1']));
    const up = await runCli(['migrate', 'up', '--json'], { cwd: second, env });
    expect(up.code, up.stderr).toBe(0);
    expect(JSON.parse(up.stdout).steps.map((s: { revision: string }) => s.revision)).toEqual(['a1']);
    expect(await cameFromTheMarkedCache(second)).toBe(true);

    const again = makeTree(chain(['a1', 'b2']));
    cpSync(join(first, '.finbrain'), join(again, '.finbrain'), { recursive: true });
    const more = await runCli(['migrate', 'up', '--json'], { cwd: again, env });
    expect(JSON.parse(more.stdout).steps.map((s: { revision: string }) => s.revision)).toEqual(['b2']);
    expect(await cameFromTheMarkedCache(again)).toBe(false);
  });

  it('in-memory clusters (migrate verify) start from the dump; a dump that cannot be loaded is discarded and made again', async () => {
    const cacheDir = filledCache();
    const { dump } = cached(cacheDir);
    const marked = await PGlite.create({ loadDataDir: new Blob([readFileSync(dump!)]) });
    await marked.exec('CREATE TABLE came_from_the_cache (id int)');
    writeFileSync(dump!, Buffer.from(await (await marked.dumpDataDir('gzip')).arrayBuffer()));
    await marked.close();
    process.env.FINBRAIN_CACHE_DIR = cacheDir;
    const fromCache = await openPgliteDb('memory://');
    expect((await fromCache.query("SELECT to_regclass('came_from_the_cache') IS NOT NULL AS ok")).rows).toEqual([{ ok: true }]);
    await fromCache.close();

    writeFileSync(dump!, 'not a tar file');
    const fresh = await openPgliteDb('memory://');
    expect((await fresh.query("SELECT to_regclass('came_from_the_cache') IS NULL AS ok")).rows).toEqual([{ ok: true }]);
    await fresh.close();
    expect(readFileSync(dump!).subarray(0, 2), 'a gzip stream again').toEqual(Buffer.from([0x1f, 0x8b]));
  });

  it('a cached directory that cannot be loaded costs an initdb, not a failure, and is replaced by a good one', async () => {
    const cacheDir = filledCache();
    const { dir } = cached(cacheDir);
    writeFileSync(join(dir!, 'PG_VERSION'), '9\n');
    const up = await runCli(['migrate', 'up', '--json'], { cwd: makeTree(chain(['a1'])), env: { ...noDb, FINBRAIN_CACHE_DIR: cacheDir } });
    expect(up.code, up.stderr).toBe(0);
    expect(JSON.parse(up.stdout).steps.map((s: { revision: string }) => s.revision)).toEqual(['a1']);
    expect(readFileSync(join(dir!, 'PG_VERSION'), 'utf8')).toBe(readFileSync(join(inject('freshPgliteDir'), 'PG_VERSION'), 'utf8'));
  });

  it('FINBRAIN_CACHE_DIR=none keeps nothing and reads nothing', async () => {
    const home = tempDir();
    const filled = cached(filledCache());
    const cache = freshClusterCache({ FINBRAIN_CACHE_DIR: 'none', HOME: home, XDG_CACHE_HOME: join(home, 'xdg') });
    expect(cache.read()).toBeUndefined();
    expect(cache.copyTo(join(home, 'data'))).toBe(false);
    expect(cache.hasDirectory(), 'wants no directory').toBe(true);
    await cache.rememberDump(async () => new Blob([readFileSync(filled.dump!)]));
    cache.rememberDirectory(filled.dir!);
    expect(readdirSync(home)).toEqual([]);
    expect(existsSync(join(process.cwd(), 'none'))).toBe(false);
  });

  it('defaults to $XDG_CACHE_HOME/finbrain, else ~/.cache/finbrain', () => {
    const home = tempDir();
    const xdg = join(home, 'xdg', 'finbrain');
    const dotCache = join(home, '.cache', 'finbrain');
    const withXdg = { HOME: home, XDG_CACHE_HOME: join(home, 'xdg') };
    const withHome = { HOME: home };
    cpSync(filledCache(), xdg, { recursive: true });
    expect(freshClusterCache(withXdg).copyTo(join(home, 'a'))).toBe(true);
    expect(existsSync(join(home, 'a', 'PG_VERSION'))).toBe(true);
    expect(freshClusterCache(withHome).copyTo(join(home, 'b')), 'nothing in ~/.cache yet').toBe(false);
    rmSync(xdg, { recursive: true });
    cpSync(filledCache(), dotCache, { recursive: true });
    expect(freshClusterCache(withHome).copyTo(join(home, 'c'))).toBe(true);
    expect(existsSync(join(home, 'c', 'PG_VERSION'))).toBe(true);
    expect(freshClusterCache(withXdg).copyTo(join(home, 'd')), 'XDG_CACHE_HOME set: ~/.cache is not read').toBe(false);
  });
});
