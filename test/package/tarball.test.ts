import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir, writeTree } from '../helpers/tmp.js';

/**
 * The published package is the tool and only the tool. These tests pack this
 * repository exactly as `npm pack` does (with the dist/ that `pretest` built),
 * install the tarball into a project outside the repository and use it there
 * by its name, with no network: the package's dependencies are linked from this
 * repository's node_modules. .ci/consumer-test.sh does the same with a real
 * `npm install` from the registry.
 */
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const PKG = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> };

interface PackedFile {
  path: string;
}

/** Packs `cwd` as npm does (into `destination`, or a dry run): the tarball's name and its files. */
function pack(cwd: string, destination?: string): { filename: string; files: string[] } {
  const where = destination ? ['--pack-destination', destination] : ['--dry-run'];
  const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', ...where], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const [packed] = JSON.parse(out) as { filename: string; files: PackedFile[] }[];
  return { filename: packed!.filename, files: packed!.files.map((f) => f.path).sort() };
}

/** This repository packed once for the file (outside any test, so its tree lasts until the file ends): the listing is checked, the tarball installed. */
let packed: { dir: string; filename: string; files: string[] };
beforeAll(() => {
  const dir = tempDir('finbrain-tarball-');
  packed = { dir, ...pack(REPO, dir) };
});

describe('the package npm packs', () => {
  it('holds the CLI, the compiled library with its types, the templates, README and LICENSE, and nothing else', () => {
    const { files } = packed;
    for (const required of [
      'package.json',
      'README.md',
      'LICENSE',
      'bin/finbrain.js',
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'dist/src/cli/main.js',
      'dist/src/setup/index.js',
      'dist/checks/index.js',
      'dist/build-id.json',
      'templates/finbrain.yml.tmpl',
      'templates/migrations-README.md.tmpl',
      'templates/CODEOWNERS.tmpl',
    ]) {
      expect(files).toContain(required);
    }
    const allowed = /^(package\.json|README\.md|LICENSE|bin\/finbrain\.js|templates\/[^/]+\.tmpl|dist\/build-id\.json|dist\/(src|checks)\/.+\.(js|d\.ts))$/;
    expect(files.filter((f) => !allowed.test(f))).toEqual([]);
    expect(files.filter((f) => /\.(map|ts)$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
    expect(files.filter((f) => /(^|\/)(test|tests|bench|app|migrations|\.ci|\.github)\//.test(f))).toEqual([]);
  });

  it('leaves out stray files (a local .env, a test build, source maps) because it lists what it ships', () => {
    const dir = tempDir('finbrain-pack-');
    cpSync(join(REPO, 'package.json'), join(dir, 'package.json'));
    writeTree(dir, {
      'bin/finbrain.js': '#!/usr/bin/env node\n',
      'templates/finbrain.yml.tmpl': 'x\n',
      'README.md': '# x\n',
      'LICENSE': 'MIT\n',
      'dist/src/index.js': 'export {};\n',
      'dist/src/index.d.ts': 'export {};\n',
      'dist/src/index.js.map': '{}\n',
      'dist/test/cli.test.js': 'x\n',
      'dist/checks/index.js': 'export {};\n',
      '.env': 'DATABASE_URL=postgres://app@db/app\n',
      'notes.txt': 'local notes\n',
      'test/a.test.ts': 'x\n',
      'src/index.ts': 'export {};\n',
      'migrations/a1_x.sql': '-- x\n',
    });
    expect(pack(dir).files).toEqual([
      'LICENSE',
      'README.md',
      'bin/finbrain.js',
      'dist/checks/index.js',
      'dist/src/index.d.ts',
      'dist/src/index.js',
      'package.json',
      'templates/finbrain.yml.tmpl',
    ]);
  });
});

describe('the tarball installed into a project outside this repository', () => {
  let project: string;

  beforeAll(() => {
    const { dir: work, filename: tgz } = packed;
    expect(tgz).toBe(`finbrain-${PKG.version}.tgz`);
    project = join(work, 'service');
    const installed = join(project, 'node_modules', 'finbrain');
    mkdirSync(installed, { recursive: true });
    execFileSync('tar', ['-xzf', join(work, tgz), '-C', installed, '--strip-components=1']);
    // What `npm install` would put next to it: the dependencies, and the service's own typescript and @types/node.
    for (const name of [...Object.keys(PKG.dependencies), 'typescript', '@types/node', '@types/pg']) {
      const target = join(project, 'node_modules', name);
      mkdirSync(join(target, '..'), { recursive: true });
      symlinkSync(join(REPO, 'node_modules', name), target, 'dir');
    }
    writeTree(project, {
      'package.json': JSON.stringify({ name: 'service', version: '1.0.0', type: 'module', private: true }),
      'use-finbrain.mjs': [
        "import { migrateUp, SingleWriterGuard, CanonicalWriter, UsageError, loadConfig } from 'finbrain';",
        "import pkg from 'finbrain/package.json' with { type: 'json' };",
        "console.log(JSON.stringify({ version: pkg.version, api: [migrateUp, SingleWriterGuard, CanonicalWriter, UsageError, loadConfig].map((f) => typeof f) }));",
      ].join('\n'),
      'use-finbrain.ts': [
        "import { migrateUp, CanonicalWriter, pgPoolTransactor, protectionOptionsFor, type MigrationContext, type FinbrainConfig, type MigrateRunResult } from 'finbrain';",
        "import pg from 'pg';",
        'export async function up(ctx: MigrationContext): Promise<void> {',
        "  await ctx.query('SELECT 1');",
        '}',
        'export const run = (): Promise<MigrateRunResult> => migrateUp({});',
        "export const dir = (c: FinbrainConfig): string => c.migrationsDir;",
        'export const writerFor = (c: FinbrainConfig, writerPool: pg.Pool): CanonicalWriter => new CanonicalWriter({ transactor: pgPoolTransactor(writerPool), protection: protectionOptionsFor(c, "payments") });',
        // A type that did not resolve would be `any` and pass everything above: this line fails then.
        'type IsAny<T> = 0 extends 1 & T ? true : false;',
        'export const resolved: [IsAny<MigrationContext>, IsAny<FinbrainConfig>, IsAny<MigrateRunResult>, IsAny<CanonicalWriter>] = [false, false, false, false];',
      ].join('\n'),
    });
  });

  it('has dist/ and no test/', () => {
    const installed = join(project, 'node_modules', 'finbrain');
    expect(existsSync(join(installed, 'dist', 'src', 'index.js'))).toBe(true);
    expect(existsSync(join(installed, 'test'))).toBe(false);
    expect(existsSync(join(installed, 'src'))).toBe(false);
  });

  it('imports the runtime API by the package name (ESM, exports map)', () => {
    const r = spawnSync(process.execPath, ['use-finbrain.mjs'], { cwd: project, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ version: PKG.version, api: ['function', 'function', 'function', 'function', 'function'] });
  });

  // Under both resolutions the consumer is checked against the package's declarations with every
  // type resolved (not any). The declarations themselves (skipLibCheck false, about 6 s of CPU in
  // zod's types) are checked by .ci/consumer-test.sh, against a registry install, in every CI run.
  it.each([
    ['node16', 'true'],
    ['bundler', 'true'],
  ])('type-checks a consumer with moduleResolution %s (skipLibCheck %s)', (resolution, skipLibCheck) => {
    const tsc = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
    const args = ['--noEmit', '--strict', '--skipLibCheck', skipLibCheck, '--target', 'es2022', '--types', 'node', '--moduleResolution', resolution, '--module', resolution === 'bundler' ? 'esnext' : 'node16', 'use-finbrain.ts'];
    const r = spawnSync(process.execPath, [tsc, ...args], { cwd: project, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('runs every command family from the installed package with only its dependencies (tsx loads a TS revision)', () => {
    const cli = (...args: string[]) => {
      const r = spawnSync(process.execPath, [join(project, 'node_modules', 'finbrain', 'bin', 'finbrain.js'), ...args], {
        cwd: project,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1', DATABASE_URL: '' },
      });
      return { code: r.status, out: r.stdout, err: r.stderr };
    };
    expect(cli('--version').out.trim()).toBe(PKG.version);
    const service = join(project, '..', 'ts-service');
    writeTree(service, { 'package.json': '{"name":"ts-service","version":"1.0.0","type":"module"}', 'src/db.ts': "export const pool = { query: (_: string) => 0 };\n" });
    symlinkSync(join(project, 'node_modules'), join(service, 'node_modules'), 'dir');
    const inService = (...args: string[]) => {
      const r = spawnSync(process.execPath, [join(service, 'node_modules', 'finbrain', 'bin', 'finbrain.js'), ...args], {
        cwd: service,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1', DATABASE_URL: '' },
      });
      return { code: r.status, out: r.stdout, err: r.stderr };
    };
    expect(inService('init', '--owner', '@acme/payments').code).toBe(0);
    const created = JSON.parse(inService('migrate', 'new', 'add notes table', '--ts', '--json').out) as { file: string; revision: string };
    const revision = readFileSync(join(service, created.file), 'utf8')
      .replace(/(up\(ctx: MigrationContext\): Promise<void> \{\n)\s+\/\/[^\n]*/, "$1  await ctx.query('CREATE TABLE notes (id int)');")
      .replace(/(down\(ctx: MigrationContext\): Promise<void> \{\n)\s+\/\/[^\n]*/, "$1  await ctx.query('DROP TABLE notes');");
    expect(revision).toContain("await ctx.query('CREATE TABLE notes (id int)');");
    expect(revision).toContain("await ctx.query('DROP TABLE notes');");
    writeFileSync(join(service, created.file), revision);
    const up = inService('migrate', 'up', '--json');
    expect(up.err).toMatch(/embedded PGlite/);
    expect(JSON.parse(up.out).steps.map((a: { revision: string }) => a.revision)).toEqual([created.revision]);
    // The TS revision really ran: its table is there, and its down removes it.
    expect(inService('migrate', 'up').code).toBe(0);
    const down = inService('migrate', 'down', '--json');
    expect(down.code).toBe(0);
    expect(JSON.parse(down.out).current).toEqual([]);
    const checks = inService('check', 'all', '--json');
    expect(Object.keys(JSON.parse(checks.out).summary.checks)).toEqual(['single-writer', 'migrations', 'security', 'codeowners']);
    expect(inService('changelog').code).toBe(0);
    expect(readFileSync(join(service, 'CHANGELOG.md'), 'utf8')).toContain('### Revision: ');
  });
});
