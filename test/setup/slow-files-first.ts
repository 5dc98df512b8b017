import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that take longest, longest first. Vitest orders by the durations it cached on the
 * last run, and a fresh clone (every CI run) has none: by file size, the adversarial suite
 * started last and was the run's tail (about 15 s of a 2-minute budget). A stale list only
 * costs order, never a result; files not named keep vitest's own order after these.
 */
const SLOW_FIRST = [
  'test/db/fresh-cluster-cache.test.ts',
  'test/protection/core-protection.test.ts',
  'test/adversarial/adversarial.test.ts',
  'test/migrate/refusals.test.ts',
  'test/package/tarball.test.ts',
  'test/protection/data-and-monitor.test.ts',
  'test/protection/protection-sql.test.ts',
  'test/migrate/engine.test.ts',
  'test/migrate/alembic-parity.test.ts',
  'test/verify/verify.test.ts',
];

export default class SlowFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification) => {
      const i = SLOW_FIRST.findIndex((p) => f.moduleId.endsWith(p));
      return i < 0 ? SLOW_FIRST.length : i;
    };
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}
