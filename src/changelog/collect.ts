import type { MigrationProject } from '../revisions/project.js';
import type { RevisionFile } from '../revisions/revision-file.js';
import { sectionSql } from '../revisions/revision-sql.js';
import { initSqlParser, splitStatements, summarizeChangeKinds } from '../sql/index.js';
import { gitAddingAuthors } from './git-authors.js';

/** What the changelog knows of one revision; also the `--format json` output. */
export interface ChangelogEntry {
  revision: string;
  parents: string[];
  revises: string;
  createDate: string;
  summary: string;
  description: string;
  type: string;
  typeSource: 'header' | 'inferred' | 'default';
  author: string;
  authorSource: 'header' | 'git' | 'unknown';
  file: string;
  path: string;
}

export interface ChangelogData {
  /** Newest first along the chain. */
  revisions: ChangelogEntry[];
  warnings: string[];
}

function inferType(f: RevisionFile): { type: string; source: ChangelogEntry['typeSource'] } {
  if (f.type) return { type: f.type, source: 'header' };
  const up = sectionSql(f, 'up');
  if (up.kind !== 'sql') return { type: 'Schema Change', source: 'default' };
  const kind = summarizeChangeKinds(splitStatements(up.sql));
  return kind ? { type: kind, source: 'inferred' } : { type: 'Schema Change', source: 'default' };
}

export async function collectChangelog(project: MigrationProject): Promise<ChangelogData> {
  const { graph, root, migrationsDir } = project;
  const needGit = graph.order.filter((f) => !f.author).map((f) => f.relPath);
  const { authors, warnings } = needGit.length ? await gitAddingAuthors(root, migrationsDir, needGit) : { authors: new Map<string, string>(), warnings: [] };
  if (graph.order.some((f) => !f.type)) await initSqlParser();
  const revisions = [...graph.order].reverse().map((f): ChangelogEntry => {
    const { type, source } = inferType(f);
    const gitAuthor = authors.get(f.relPath);
    return {
      revision: f.revision,
      parents: f.parents,
      revises: f.revisesRaw,
      createDate: f.createDate ?? '',
      summary: f.summary,
      description: f.description,
      type,
      typeSource: source,
      author: f.author ?? gitAuthor ?? 'unknown',
      authorSource: f.author ? 'header' : gitAuthor ? 'git' : 'unknown',
      file: f.fileName,
      path: f.relPath,
    };
  });
  return { revisions, warnings };
}
