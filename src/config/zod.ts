/**
 * The tool's one runtime import of zod.
 *
 * `npm run build` replaces this module's compiled output with a single-file esbuild
 * bundle of zod: loading zod's ~95 ES modules one by one cost every command ~35 ms of
 * start-up (a tenth of `migrate status`, BENCHMARKS.md). The declaration file still
 * points at the `zod` package, so the types are zod's own.
 */
export { z } from 'zod';
