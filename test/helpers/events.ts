import type { MigrateEvent } from '../../src/migrate/events.js';

/**
 * Collects a migrate run's events and releases whatever holds the run back (a
 * lock, an open transaction) on the first event of `type`: the test then waits on
 * the engine's own report instead of a sleep. `settled()` awaits the release.
 */
export function releaseOnFirst(type: MigrateEvent['type'], release: () => Promise<unknown>) {
  const events: MigrateEvent[] = [];
  let released: Promise<unknown> | undefined;
  return {
    events,
    onEvent(e: MigrateEvent) {
      events.push(e);
      if (e.type === type) released ??= release();
    },
    settled: () => released,
  };
}
