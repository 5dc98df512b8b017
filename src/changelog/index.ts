/** The entry point of `finbrain changelog`. */
export { runChangelog, type ChangelogOptions, type ChangelogResult } from './run-changelog.js';
