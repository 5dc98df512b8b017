/**
 * The tool's one import of Umzug.
 *
 * `npm run build` replaces this module's compiled output with an esbuild bundle of
 * Umzug without its command-line interface (scripts/bundle-dependencies.mjs): Umzug's
 * entry requires its CLI, which loads @rushstack/ts-command-line and z-schema, ~100 ms
 * of every `migrate up` and `down`. The declaration file still points at `umzug`.
 */
export { Umzug } from 'umzug';
export type { UmzugStorage } from 'umzug';
