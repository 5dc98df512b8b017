import { parseConfig } from '../../config/load.js';
import type { FinbrainConfigInput } from '../../config/schema.js';
import { parseRevisionFile } from '../../revisions/revision-file.js';
import { RevisionGraph } from '../../revisions/revision-graph.js';
import { initSqlParser } from '../../sql/index.js';
import { lintMigrations } from '../lint.js';

/**
 * The rule tests' one helper (beside the rules, as squawk keeps them): a base
 * revision with tables `t (id, a, b)` and `p (id)`, then revision b2 with the
 * SQL under test. No files, no database: the lint reads parsed revisions.
 */
const header = (id: string, revises: string, o: { transaction?: string; description?: string }) =>
  [
    `-- revision ${id}`,
    '--',
    `-- Revision ID: ${id}`,
    `-- Revises: ${revises}`,
    '-- Create Date: 2025-01-01 00:00:00.000000',
    ...(o.transaction ? [`-- Transaction: ${o.transaction}`] : []),
    ...(o.description ? ['--', ...o.description.split('\n').map((l) => `-- ${l}`)] : []),
  ].join('\n');

const BASE = `${header('a1', '', {})}\n\n-- migrate:up\nCREATE TABLE t (id int PRIMARY KEY, a int, b text);\nCREATE TABLE p (id int PRIMARY KEY);\n-- migrate:down\nDROP TABLE t; DROP TABLE p;\n`;

/** Findings on b2 as `"<line> <rule>"` (rule without the `migrations/` prefix). The up section starts on line 8 (9 with a Transaction: line). */
export async function lintUp(up: string, o: { transaction?: 'true' | 'false' | 'auto'; description?: string; config?: FinbrainConfigInput } = {}): Promise<string[]> {
  await initSqlParser();
  const b2 = `${header('b2', 'a1', o)}\n\n-- migrate:up\n${up}\n-- migrate:down\nSELECT 1;\n`;
  const graph = new RevisionGraph([parseRevisionFile('/p/migrations/a1_base.sql', BASE, '/p'), parseRevisionFile('/p/migrations/b2_change.sql', b2, '/p')]);
  return lintMigrations(graph, parseConfig(o.config ?? {})).findings.map((f) => `${f.line} ${f.ruleId.replace('migrations/', '')}`);
}

/** Only the findings of one rule. */
export async function lintRule(rule: string, up: string, o: Parameters<typeof lintUp>[1] = {}): Promise<string[]> {
  return (await lintUp(up, o)).filter((f) => f.endsWith(` ${rule}`));
}
