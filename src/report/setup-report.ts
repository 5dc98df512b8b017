import type { ChalkInstance } from 'chalk';
import type { InitResult, ProtectResult } from '../setup/index.js';

/** What `finbrain init` wrote and what to do next. */
export function renderInit(r: InitResult, c: ChalkInstance): string {
  const out = [`finbrain init in ${r.root} (${r.language === 'typescript' ? 'TypeScript' : 'JavaScript'}; sources: ${r.sourceFolders.join(', ')}${r.sourceFoldersAssumed ? ', assumed' : ''})`, ''];
  out.push('wrote:');
  for (const f of r.written) out.push(`  ${c.green(f.path)}  ${c.dim(f.what)}`);
  if (r.existingCodeowners) out.push('', `kept ${r.existingCodeowners} as it is.`);
  out.push('', 'next:', ...numbered(r.next), '');
  return out.join('\n');
}

/** What `finbrain protect` changed and what to do next. */
export function renderProtect(r: ProtectResult, c: ChalkInstance): string {
  const out = [`protected ${r.table}; its writer: ${r.writers.map((w) => `${w.glob} (${w.files.length} file${w.files.length === 1 ? '' : 's'})`).join(', ')}`, ''];
  out.push(`  ${c.green(r.file)}  ${c.dim(`new revision ${r.revision}, revises ${r.parents.join(', ') || 'nothing: base'}; installs the guard, ${r.protection.auditTable}, ${r.protection.idempotencyTable}, ${r.protection.statsTable}`)}`);
  out.push(`  ${c.green(r.config)}  ${c.dim(`singleWriter.protectedTables and singleWriter.writers`)}`);
  if (r.codeowners) out.push(`  ${c.green(r.codeowners.file)}  ${c.dim(`appended ${r.codeowners.added.join('; ')}`)}`);
  for (const w of r.warnings) out.push('', `${c.yellow('warning:')} ${w}`);
  out.push('', 'next:', ...numbered(r.next), '');
  return out.join('\n');
}

function numbered(steps: string[]): string[] {
  return steps.map((s, i) => `  ${i + 1}. ${s}`);
}
