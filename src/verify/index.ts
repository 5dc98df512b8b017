/** The entry point of `finbrain migrate verify`. */
export { migrateVerify } from './verify.js';
