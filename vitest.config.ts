import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import SlowFilesFirst from './test/setup/slow-files-first.js';

export default defineConfig({
  resolve: {
    // The app (app/) imports the tool by its package name, as any service does. In tests that
    // name must be the same module instances the tests import from src/, not the built dist/.
    alias: { finbrain: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
  },
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    // A guard against hangs, not a timing assertion: on two busy cores a file of CLI runs can take a minute.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One process runs many files: a fork per file cost about 30 s of CPU per run in start-up
    // and imports. Files clean up after themselves (temp trees, templates, env), so nothing leaks.
    isolate: false,
    // The CLI tests run the compiled CLI (dist/) in-process: Node loads it as bin/ would, untransformed.
    server: { deps: { external: [/\/dist\//] } },
    // Most test time is waiting on Postgres and on CLI child processes, not CPU: run more files at once than cores.
    maxWorkers: 4,
    execArgv: ['--wasm-lazy-compilation', '--liftoff-only'],
    setupFiles: ['test/setup/cache-dir.ts', 'test/setup/remove-temp-trees.ts'],
    sequence: { sequencer: SlowFilesFirst },
    globalSetup: ['test/setup/fresh-pglite-snapshot.ts', 'test/setup/default-roles.ts'],
    // The JSON report lets .ci/run prove the real-Postgres tests ran (none skipped).
    reporters: ['default', ['json', { outputFile: '.finbrain-test-report.json' }]],
  },
});
