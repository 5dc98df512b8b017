import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The canonical writer's async context. `withWriter(fn)` marks everything `fn`
 * awaits; the mark does not leak into work started elsewhere (other requests,
 * timers created outside), because AsyncLocalStorage follows the async chain.
 */
const storage = new AsyncLocalStorage<{ writer: true; actor: string }>();

export function withWriter<T>(fn: () => Promise<T> | T, actor = 'canonical-writer'): Promise<T> {
  return Promise.resolve(storage.run({ writer: true, actor }, fn));
}

/** Read synchronously at query() entry: callback-style pg may call back in another context. */
export function inWriterContext(): boolean {
  return storage.getStore()?.writer === true;
}

/** Runs `fn` outside any writer context (e.g. work handed to a shared queue). */
export function outsideWriter<T>(fn: () => T): T {
  return storage.exit(fn);
}
