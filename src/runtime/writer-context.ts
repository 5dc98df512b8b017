import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The async context of the canonical writer. AsyncLocalStorage follows the
 * async chain that `withWriter` starts (awaits, timers and callbacks created
 * inside it) and nothing else: work started elsewhere, even while a writer
 * call is in flight, never sees the flag.
 */
export interface WriterContext {
  /** Which writer (for audit and logs). */
  writer: string;
}

const storage = new AsyncLocalStorage<WriterContext>();

/** Runs `fn` as the canonical writer: guarded connections let its writes through. */
export function withWriter<T>(fn: () => T, writer = 'canonical'): T {
  return storage.run({ writer }, fn);
}

/** The writer context of the caller, read synchronously (node-postgres#2533). */
export function currentWriter(): WriterContext | undefined {
  return storage.getStore();
}

/** Runs `fn` explicitly outside any writer context (for work the writer hands off). */
export function withoutWriter<T>(fn: () => T): T {
  return storage.exit(fn);
}
