import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from '../../db/types.js';
import type { EventSink } from '../events.js';

export interface ProgressTiming {
  /** A build that finishes within this never opens the second session: a fast build costs nothing. */
  delayMs: number;
  intervalMs: number;
}

const DEFAULT_TIMING: ProgressTiming = { delayMs: 300, intervalMs: 500 };

type ProgressRow = { phase: string; blocks_done: string; blocks_total: string; tuples_done: string; tuples_total: string };

/**
 * While an index builds, a second session polls pg_stat_progress_create_index
 * for the building backend and reports phase, blocks and tuples. The watcher
 * starts only once the build has run for `delayMs`, and stops the moment the
 * build ends (its sleeps are cancelled, not waited out). Backends with one
 * session (PGlite) build without progress.
 */
export async function withIndexProgress<T>(db: Db, revision: string, emit: EventSink, run: () => Promise<T>, timing: ProgressTiming = DEFAULT_TIMING): Promise<T> {
  const pid = await db.backendPid?.();
  if (!pid || !db.openSession) return run();
  const stop = new AbortController();
  const watch = async () => {
    await sleep(timing.delayMs, undefined, { signal: stop.signal });
    const side = await db.openSession!();
    try {
      while (!stop.signal.aborted) {
        const r = await side
          .query<ProgressRow>('SELECT phase, blocks_done, blocks_total, tuples_done, tuples_total FROM pg_stat_progress_create_index WHERE pid = $1', [pid])
          .catch(() => ({ rows: [] as ProgressRow[] }));
        const p = r.rows[0];
        if (p && !stop.signal.aborted) {
          const [bd, bt, td, tt] = [p.blocks_done, p.blocks_total, p.tuples_done, p.tuples_total].map(Number);
          const fraction = bt! > 0 ? bd! / bt! : tt! > 0 ? td! / tt! : undefined;
          emit({
            type: 'progress',
            revision,
            fraction,
            message: `${p.phase}: blocks ${bd}/${bt}, tuples ${td}/${tt}${fraction === undefined ? '' : ` (${(fraction * 100).toFixed(0)}%)`}`,
          });
        }
        await sleep(timing.intervalMs, undefined, { signal: stop.signal });
      }
    } finally {
      await side.close();
    }
  };
  const watcher = watch().catch(() => {});
  try {
    return await run();
  } finally {
    stop.abort();
    await watcher;
  }
}
