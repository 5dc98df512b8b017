import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The JSON report lets .ci/run prove the real-Postgres tests ran (none skipped).
    reporters: ['default', ['json', { outputFile: '.finbrain-test-report.json' }]],
  },
});
