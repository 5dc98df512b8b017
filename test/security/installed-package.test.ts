import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { plantedRepo } from './planted.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

/**
 * finbrain as a service installs it: node_modules/finbrain holds package.json,
 * bin/ and the compiled dist/, next to its dependencies. The secret scan's
 * worker threads must load the worker from there.
 */
function installAsPackage(): string {
  const root = tempDir('finbrain-installed-');
  const pkg = join(root, 'node_modules', 'finbrain');
  mkdirSync(pkg, { recursive: true });
  for (const part of ['package.json', 'bin', 'dist']) cpSync(join(REPO, part), join(pkg, part), { recursive: true });
  for (const dep of readdirSync(join(REPO, 'node_modules'))) {
    if (dep === '.bin' || dep.startsWith('.') || dep === 'finbrain') continue;
    symlinkSync(join(REPO, 'node_modules', dep), join(root, 'node_modules', dep));
  }
  return pkg;
}

describe('the secret scan installed as a package', () => {
  it('runs its worker threads from the package\'s own dist/', async () => {
    const pkg = installAsPackage();
    const repo = plantedRepo({ workers: 2 });
    const resolved = execFileSync(process.execPath, ['--input-type=module', '-e', `import { workerScript } from ${JSON.stringify(join(pkg, 'dist/src/security/worker-pool.js'))}; console.log(workerScript().pathname);`], { encoding: 'utf8' }).trim();
    expect(resolved).toBe(join(pkg, 'dist/src/security/scan-worker.js'));
    let stdout = '';
    try {
      execFileSync(process.execPath, [join(pkg, 'bin/finbrain.js'), 'check', 'security', '--json'], { cwd: repo.dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    } catch (e) {
      // Exit 1: findings.
      expect((e as { status: number }).status).toBe(1);
      stdout = (e as { stdout: string }).stdout;
    }
    const out = JSON.parse(stdout);
    expect(out.summary.checks.security.workers).toBe(2);
    // The same findings as the development build in this repository.
    const dev = JSON.parse((await runCli(['check', 'security', '--json'], { cwd: repo.dir })).stdout);
    expect(out.findings.length).toBeGreaterThan(40);
    expect(out.findings).toEqual(dev.findings);
  });
});
