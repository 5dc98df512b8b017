import type { ChalkInstance } from 'chalk';
import type { CompletedStep } from '../errors.js';
import type { NewRevisionResult } from '../migrate/authoring.js';
import type { MigrateRunResult } from '../migrate/engine.js';
import type { HistoryEntry, ShowResult, StatusResult } from '../migrate/inspect.js';
import type { StampResult } from '../migrate/stamp.js';

/** Pure text renderers for migrate results; JSON is the result object itself. */
export const ms = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${Math.round(n)} ms`);

const verbOf = (d: 'up' | 'down') => (d === 'up' ? 'applied' : 'reverted');

function stepLine(s: CompletedStep, c: ChalkInstance): string {
  return `${c.green('✓')} ${verbOf(s.direction)} ${c.bold(s.revision)} ${s.summary} ${c.dim(`(${s.mode}, ${ms(s.durationMs)})`)}`;
}

export function renderRun(r: MigrateRunResult, c: ChalkInstance): string {
  if (r.sql !== undefined) return r.sql.endsWith('\n') ? r.sql : `${r.sql}\n`;
  const idle = { up: 'already at head', down: 'nothing to downgrade', redo: 'nothing applied to redo' }[r.direction];
  if (!r.steps.length) return `${c.green('✓')} nothing to do: ${idle} (${r.current.join(', ') || 'base'})\n`;
  const lines = r.steps.map((s) => stepLine(s, c));
  const counts = (['up', 'down'] as const)
    .map((d) => [d, r.steps.filter((s) => s.direction === d).length] as const)
    .filter(([, n]) => n)
    .map(([d, n]) => `${n} revision(s) ${verbOf(d)}`);
  lines.push(`${counts.join(', ')}; now at ${r.current.join(', ') || 'base'}`);
  return `${lines.join('\n')}\n`;
}

/** What a failed run did before it failed: it stays done. */
export function renderCompletedBeforeFailure(steps: CompletedStep[], c: ChalkInstance): string {
  if (!steps.length) return 'nothing was applied before the failure\n';
  return `${steps.map((s) => stepLine(s, c)).join('\n')}\n${steps.length} revision(s) done before the failure (they stay done)\n`;
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
  for (const g of s.gaps) out.push(c.red(`inconsistent: ${g.revision} is applied but its parent ${g.missingParents.join(', ')} is not (a ledger row was deleted?)`));
  for (const w of s.warnings) out.push(c.yellow(`warning: ${w}`));
  return `${out.join('\n')}\n`;
}

function tags(r: HistoryEntry): string {
  const t = [r.isHead ? 'head' : '', r.isCurrent ? 'current' : '', r.isBranchPoint ? 'branchpoint' : '', r.isMerge ? 'mergepoint' : ''].filter(Boolean);
  return t.map((x) => ` (${x})`).join('');
}

function fromOf(r: HistoryEntry): string {
  return r.isBase ? '<base>' : r.parents.length > 1 ? `(${r.parents.join(', ')})` : r.parents[0]!;
}

/** Alembic's `history --verbose` block for one revision. */
function verboseEntry(r: HistoryEntry): string {
  const head = [`Rev: ${r.revision}${tags(r)}`, `${r.isMerge ? 'Merges' : 'Parent'}: ${r.isBase ? '<base>' : r.parents.join(', ')}`];
  if (r.isBranchPoint) head.push(`Branches into: ${r.children.join(', ')}`);
  head.push(`Path: ${r.file}`);
  const body = [r.summary, '', `Revision ID: ${r.revision}`, `Revises: ${r.parents.join(', ')}`, ...(r.createDate ? [`Create Date: ${r.createDate}`] : [])];
  if (r.transaction !== 'true') body.push(`Transaction: ${r.transaction}`);
  if (r.description) body.push('', ...r.description.split('\n'));
  return `${head.join('\n')}\n\n${body.map((l) => (l ? `    ${l}` : '')).join('\n')}\n`;
}

export function renderHistory(h: { revisions: HistoryEntry[] }, o: { verbose?: boolean } = {}): string {
  if (!h.revisions.length) return 'no revisions\n';
  if (o.verbose) return h.revisions.map(verboseEntry).join('\n');
  return `${h.revisions.map((r) => `${fromOf(r)} -> ${r.revision}${tags(r)}, ${r.summary}`).join('\n')}\n`;
}

export function renderShow(s: ShowResult, c: ChalkInstance): string {
  const lines = [verboseEntry(s).trimEnd(), ''];
  lines.push(`Children: ${s.children.join(', ') || '(none: a head)'}`);
  lines.push(`Format: ${s.format}, ${s.reversible ? 'reversible' : `irreversible (${s.irreversibleBecause ?? 'no down'})`}`);
  lines.push(`Checksum: ${s.checksum}`);
  if (s.ledger) {
    lines.push(`Applied: ${c.green('yes')} on ${s.database}, ${s.ledger.appliedAt} by ${s.ledger.appliedBy} (${s.ledger.executionMode}, ${ms(s.ledger.durationMs)})`);
    if (s.ledger.drift) lines.push(c.red(`Drift: the ledger recorded checksum ${s.ledger.checksum}; the file has changed since`));
  } else {
    lines.push(`Applied: ${c.yellow('no')} (on ${s.database})`);
  }
  return `${lines.join('\n')}\n`;
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

export function renderAdopt(s: StampResult & { alembicVersions: string[] }, versionTable: string): string {
  return `adopted from ${versionTable} (${s.alembicVersions.join(', ')}): ${renderStamp(s)}`;
}
