/** Builds revision files for tests. */
export function sqlRevision(o: {
  id: string;
  revises?: string;
  up: string;
  down?: string | null;
  summary?: string;
  transaction?: 'true' | 'false' | 'auto';
  type?: string;
  author?: string;
  date?: string;
  description?: string;
}): string {
  const lines = [
    `-- ${o.summary ?? `revision ${o.id}`}`,
    '--',
    `-- Revision ID: ${o.id}`,
    `-- Revises: ${o.revises ?? ''}`,
    `-- Create Date: ${o.date ?? '2025-01-01 00:00:00.000000'}`,
  ];
  if (o.type) lines.push(`-- Type: ${o.type}`);
  if (o.author) lines.push(`-- Author: ${o.author}`);
  if (o.transaction) lines.push(`-- Transaction: ${o.transaction}`);
  if (o.description) lines.push('--', ...o.description.split('\n').map((l) => `-- ${l}`));
  lines.push('', '-- migrate:up', o.up);
  if (o.down !== null) lines.push('-- migrate:down', o.down ?? 'SELECT 1;');
  return `${lines.join('\n')}\n`;
}

/** A chain of revisions r1 <- r2 <- … each creating table t_<id>. */
export function chain(ids: string[]): Record<string, string> {
  const files: Record<string, string> = {};
  ids.forEach((id, i) => {
    files[`migrations/${id}_create_t_${id}.sql`] = sqlRevision({
      id,
      revises: i ? ids[i - 1] : '',
      up: `CREATE TABLE t_${id} (id int);`,
      down: `DROP TABLE t_${id};`,
    });
  });
  return files;
}
