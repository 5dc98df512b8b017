import { RevisionError } from '../errors.js';
import { ledgerDdl, recordApplySql, recordRevertSql, type LedgerNames } from './ledger.js';
import type { PlannedStep } from './plan.js';

/**
 * The plan as one SQL script (`--sql`, `--dry-run`, `--sql --offline`):
 * `psql -v ON_ERROR_STOP=1 -f` of it leaves the schema and the ledger rows that
 * `migrate up` would. The ledger tables come first (IF NOT EXISTS); then each
 * revision in its transaction mode with its ledger row. A TS revision has no
 * static SQL to write, so it is refused by name rather than written as applied.
 */
export function renderSqlScript(plan: PlannedStep[], ledger: LedgerNames): string {
  const ts = plan.filter((s) => s.file.format === 'ts');
  if (ts.length) {
    throw new RevisionError(
      `cannot write ${ts.map((s) => `${s.file.revision} (${s.file.relPath})`).join(', ')} as SQL: a TypeScript revision's statements are known only when it runs`,
      {
        files: ts.map((s) => s.file.relPath),
        hint: 'Stop the script before it with --to, run it with `finbrain migrate up`, then script the rest with --from; or rewrite it as an .sql revision.',
      },
    );
  }
  const out = [`-- finbrain migrate ${plan[0]?.direction ?? 'up'} --sql: ${plan.length} revision(s). Run with: psql -v ON_ERROR_STOP=1 -f <this file>`, '', ledgerDdl(ledger), ''];
  for (const s of plan) {
    const f = s.file;
    out.push(`-- ${s.direction === 'up' ? 'Running upgrade' : 'Running downgrade'} ${f.revision}: ${f.summary} (${f.relPath}, ${s.inTransaction ? 'transactional' : 'non-transactional'})`);
    if (s.inTransaction) out.push('BEGIN;');
    // The section as written; a last statement left without its `;` gets one, so the ledger row stays a statement of its own.
    const { text, terminated } = s.sql!;
    out.push(text.trim() + (terminated ? '' : '\n;'));
    out.push(
      s.direction === 'up'
        ? recordApplySql(ledger, {
            revision: f.revision,
            parents: f.parents,
            file: f.relPath,
            checksum: f.checksum,
            durationMs: s.inTransaction ? 'transaction' : 0,
            mode: s.inTransaction ? 'transactional' : 'non-transactional',
            direction: 'up',
          })
        : recordRevertSql(ledger, f.revision, s.inTransaction ? 'transaction' : 0),
    );
    if (s.inTransaction) out.push('COMMIT;');
    out.push('');
  }
  return out.join('\n');
}
