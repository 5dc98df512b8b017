import type { ChalkInstance } from 'chalk';
import type { MigrateEvent } from '../migrate/events.js';

/** Erase the terminal line the cursor is on and return to its start. */
const CLEAR_LINE = '\r\u001b[2K';

/**
 * Progress on a terminal: ONE line that updates in place (the revision being
 * run, then its index build's progress), cleared when the revision is done —
 * the summary lists each revision once, with the duration the ledger recorded.
 * Notices and retries are printed above it and it is drawn again. Returns
 * the text to write to stderr for each event; holds no I/O itself.
 */
export function liveProgress(c: ChalkInstance): (e: MigrateEvent) => string {
  let live = '';
  return (e) => {
    const clear = live ? CLEAR_LINE : '';
    switch (e.type) {
      case 'start':
        live = `${c.cyan('→')} ${e.direction === 'up' ? 'upgrading' : 'downgrading'} ${e.revision} ${e.summary} ${c.dim(`(${e.mode})`)}`;
        return `${clear}${live}`;
      case 'progress':
        live = `${c.cyan('→')} ${e.revision}: ${e.message}`;
        return `${clear}${live}`;
      case 'done':
        live = '';
        return clear;
      case 'retry':
      case 'notice':
        return `${clear}${eventLine(e, c)}\n${live}`;
    }
  };
}

/** One line for an event that is printed off a terminal too (notices, retries). */
export function eventLine(e: MigrateEvent, c: ChalkInstance): string {
  switch (e.type) {
    case 'retry':
      return c.yellow(`↻ ${e.revision}: lock timeout, retry ${e.attempt} in ${e.delayMs >= 1000 ? `${(e.delayMs / 1000).toFixed(2)} s` : `${e.delayMs} ms`}: ${e.message}`);
    case 'notice':
      return c.dim(e.message);
    case 'start':
      return `→ ${e.revision}`;
    case 'progress':
      return `  ${e.revision}: ${e.message}`;
    case 'done':
      return `✓ ${e.revision}`;
  }
}
