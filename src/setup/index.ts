/** The entry point of `finbrain init` and `finbrain protect`: setting finbrain up in a service. */
export { init, type InitOptions, type InitResult } from './init.js';
export { protect, type ProtectOptions, type ProtectResult } from './protect.js';
