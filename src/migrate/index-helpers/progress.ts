import type { Db } from '../../db/types.js';
import type { EventSink } from '../events.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * While an index builds, a second session polls pg_stat_progress_create_index
 * for the building backend and reports phase, blocks and tuples. Backends with
 * one session (PGlite) build without progress.
 */
export async function withIndexProgress<T>(db: Db, revision: string, emit: EventSink, run: () => Promise<T>, intervalMs = 500): Promise<T> {
  const pid = await db.backendPid?.();
  if (!pid || !db.openSession) return run();
  const side = await db.openSession().catch(() => undefined);
  if (!side) return run();
  let stop = false;
  const poll = (async () => {
    while (!stop) {
      await sleep(intervalMs);
      if (stop) break;
      const r = await side
        .query<{ phase: string; blocks_done: string; blocks_total: string; tuples_done: string; tuples_total: string }>(
          'SELECT phase, blocks_done, blocks_total, tuples_done, tuples_total FROM pg_stat_progress_create_index WHERE pid = $1',
          [pid],
        )
        .catch(() => ({ rows: [] as never[] }));
      const p = r.rows[0];
      if (!p) continue;
      const [bd, bt, td, tt] = [p.blocks_done, p.blocks_total, p.tuples_done, p.tuples_total].map(Number);
      const fraction = bt! > 0 ? bd! / bt! : tt! > 0 ? td! / tt! : undefined;
      emit({
        type: 'progress',
        revision,
        fraction,
        message: `${p.phase}: blocks ${bd}/${bt}, tuples ${td}/${tt}${fraction === undefined ? '' : ` (${(fraction * 100).toFixed(0)}%)`}`,
      });
    }
  })();
  try {
    return await run();
  } finally {
    stop = true;
    await poll.catch(() => {});
    await side.close();
  }
}
