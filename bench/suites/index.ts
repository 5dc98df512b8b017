import type { BenchContext } from '../run.js';
import { changelogSuite } from './changelog.js';
import { embeddedSuite } from './embedded.js';
import { governanceSuite } from './governance.js';
import { indexBuildSuite } from './index-build.js';
import { migrateSuite } from './migrate.js';
import { runtimeSuite } from './runtime.js';
import { securitySuite } from './security.js';
import { singleWriterSuite } from './single-writer.js';

/** A suite returns the markdown of its BENCHMARKS.md section. */
export type Suite = (ctx: BenchContext) => Promise<string>;

/** Suites by name; `npm run bench <name>` runs one. */
export const SUITES: Record<string, Suite> = {
  migrate: migrateSuite,
  embedded: embeddedSuite,
  changelog: changelogSuite,
  'single-writer': singleWriterSuite,
  governance: governanceSuite,
  runtime: runtimeSuite,
  'index-build': indexBuildSuite,
  security: securitySuite,
};
