/**
 * FinBrain protects one table, `expenses`, with the tool's defaults
 * (finbrain.config.json has no `protection` overrides). The revision
 * c4d1e8a9b0f2 holds exactly what this renders, pasted as static SQL
 * (test/app/protection-revision.test.ts keeps the two equal). To re-paste it
 * after the generator changed: `npx tsx app/protection/expenses-protection.ts --write`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { protectionDefaults, renderProtectionSql } from 'finbrain';

export const EXPENSES_PROTECTION = protectionDefaults('expenses');
export const EXPENSES_PROTECTION_REVISION = new URL('../../migrations/c4d1e8a9b0f2_single_writer_guard.sql', import.meta.url);
const UP = '-- migrate:up\n';
const DOWN = '-- migrate:down\n';

/** The revision file with its up and down sections replaced by the generator's output (its header kept). */
export function renderedRevision(current: string): string {
  const { up, down } = renderProtectionSql(EXPENSES_PROTECTION);
  return `${current.slice(0, current.indexOf(UP))}${UP}${up}\n${DOWN}${down}`;
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href && process.argv.includes('--write')) {
  writeFileSync(EXPENSES_PROTECTION_REVISION, renderedRevision(readFileSync(EXPENSES_PROTECTION_REVISION, 'utf8')));
  console.log('migrations/c4d1e8a9b0f2_single_writer_guard.sql: re-pasted from renderProtectionSql');
}
