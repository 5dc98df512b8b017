import type { RevisionFile } from '../revisions/revision-file.js';
import { splitStatements } from '../sql/index.js';
import { recordApplySql, recordRevertSql, type LedgerNames } from './ledger.js';
import { runsInTransaction, type Direction } from './run-revision.js';

/** The SQL `up`/`down` would send, in order, with its transaction boundaries. */
export function renderPlanSql(plan: RevisionFile[], direction: Direction, concurrent: boolean, ledger: LedgerNames): string {
  const out: string[] = [];
  for (const f of plan) {
    const inTx = runsInTransaction(f, concurrent);
    out.push(`-- ${direction === 'up' ? 'Running upgrade' : 'Running downgrade'} ${f.revision}: ${f.summary} (${f.relPath}, ${inTx ? 'transactional' : 'non-transactional'})`);
    if (inTx) out.push('BEGIN;');
    if (f.format === 'sql') {
      const sql = (direction === 'up' ? f.upSql : f.downSql) ?? '';
      for (const s of splitStatements(sql)) out.push(`${s.text};`);
    } else {
      out.push(`-- ${f.fileName}: TypeScript ${direction}(ctx); its statements are known only when it runs`);
    }
    out.push(
      direction === 'up'
        ? recordApplySql(ledger, { revision: f.revision, parents: f.parents, file: f.relPath, checksum: f.checksum, durationMs: 0, mode: inTx ? 'transactional' : 'non-transactional', direction: 'up' })
        : recordRevertSql(ledger, f.revision, 0),
    );
    if (inTx) out.push('COMMIT;');
    out.push('');
  }
  return out.join('\n');
}
