/**
 * The tool's one runtime import of zod: only the builders the config schema uses.
 *
 * `npm run build` replaces this module's compiled output with a single-file esbuild
 * bundle of just these exports (tree-shaken, ~190 kB; scripts/bundle-dependencies.mjs). Loading zod's ~95 ES modules one
 * by one, or all of zod (its ~40 locales included) as one file, cost every command
 * ~35 ms / ~30 ms of start-up, a tenth of `migrate status` (BENCHMARKS.md). The
 * declaration file still points at the `zod` package, so the types are zod's own.
 * A schema needing another builder adds it here.
 */
export { array, boolean, literal, number, record, strictObject, string, union } from 'zod';
export type { infer, input } from 'zod';
