import type { ChalkInstance } from 'chalk';
import type { MigrateRunResult } from '../migrate/engine.js';
import type { HistoryEntry, StatusResult } from '../migrate/inspect.js';
import type { NewRevisionResult } from '../migrate/authoring.js';
import type { StampResult } from '../migrate/stamp.js';
import type { MigrateEvent } from '../migrate/events.js';

/** Pure text renderers for migrate results; JSON is the result object itself. */
export const ms = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${Math.round(n)} ms`);

export function renderRun(r: MigrateRunResult, c: ChalkInstance): string {
  if (r.sql !== undefined) return r.sql || '-- nothing to do\n';
  if (!r.steps.length) return `${c.green('✓')} nothing to do: ${r.direction === 'up' ? 'already at head' : 'nothing to downgrade'} (${r.current.join(', ') || 'base'})\n`;
  const verb = r.direction === 'up' ? 'applied' : 'reverted';
  const lines = r.steps.map((s) => `${c.green('✓')} ${verb} ${c.bold(s.revision)} ${s.summary} ${c.dim(`(${s.mode}, ${ms(s.durationMs)})`)}`);
  lines.push(`${r.steps.length} revision(s) ${verb}; now at ${r.current.join(', ') || 'base'}`);
  return `${lines.join('\n')}\n`;
}

export function renderStatus(s: StatusResult, c: ChalkInstance): string {
  const out = [`database: ${s.database}`, `current:  ${s.current.join(', ') || 'base (nothing applied)'}`, `heads:    ${s.heads.join(', ') || '(no revisions)'}`];
  out.push(`applied:  ${s.applied.length}`);
  for (const a of s.applied.slice(-10)) out.push(`  ${c.green('✓')} ${a.revision}  ${c.dim(`${a.appliedAt} by ${a.appliedBy}, ${a.executionMode}, ${ms(a.durationMs)}`)}`);
  if (s.applied.length > 10) out.push(c.dim(`  … ${s.applied.length - 10} earlier`));
  out.push(`pending:  ${s.pending.length}`);
  for (const p of s.pending.slice(0, 20)) out.push(`  ${c.yellow('•')} ${p}`);
  if (s.pending.length > 20) out.push(c.dim(`  … ${s.pending.length - 20} more`));
  for (const d of s.drift) out.push(c.red(`drift: ${d} was edited after it was applied`));
  for (const u of s.unknown) out.push(c.red(`unknown: ledger has ${u.revision} (${u.file}) but the file is gone`));
  for (const w of s.warnings) out.push(c.yellow(`warning: ${w}`));
  return `${out.join('\n')}\n`;
}

export function renderHistory(h: { revisions: HistoryEntry[] }): string {
  if (!h.revisions.length) return 'no revisions\n';
  return `${h.revisions
    .map((r) => {
      const from = r.isBase ? '<base>' : r.parents.length > 1 ? `(${r.parents.join(', ')})` : r.parents[0];
      const tags = [r.isHead ? 'head' : '', r.isMerge ? 'mergepoint' : ''].filter(Boolean).join(') (');
      return `${from} -> ${r.revision}${tags ? ` (${tags})` : ''}, ${r.summary}`;
    })
    .join('\n')}\n`;
}

export function renderHeads(h: { heads: { revision: string; summary: string }[] }): string {
  return h.heads.length ? `${h.heads.map((x) => `${x.revision} (head) ${x.summary}`).join('\n')}\n` : 'no revisions\n';
}

export function renderNew(n: NewRevisionResult): string {
  return `created ${n.file} (Revision ID ${n.revision}, revises ${n.parents.join(', ') || 'nothing: base'})\n`;
}

export function renderStamp(s: StampResult): string {
  return `stamped: ${s.added.length} added, ${s.removed.length} removed; now at ${s.current.join(', ') || 'base'} (no SQL ran)\n`;
}

/** One line per event, for stderr on a TTY. */
export function renderEvent(e: MigrateEvent, c: ChalkInstance): string | undefined {
  switch (e.type) {
    case 'start':
      return `${c.cyan('→')} ${e.direction === 'up' ? 'upgrading' : 'downgrading'} ${e.revision} ${e.summary} ${c.dim(`(${e.mode})`)}`;
    case 'done':
      return `${c.green('✓')} ${e.revision} ${c.dim(ms(e.durationMs))}`;
    case 'retry':
      return c.yellow(`↻ ${e.revision}: lock timeout, retry ${e.attempt} in ${ms(e.delayMs)}: ${e.message}`);
    case 'notice':
      return c.dim(e.message);
    case 'progress':
      return `  ${e.revision}: ${e.message}`;
  }
}
