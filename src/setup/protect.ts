import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { ConfigError, UsageError } from '../errors.js';
import { loadConfig } from '../config/load.js';
import { writerPath } from '../codeowners/protected-paths.js';
import { migrateNew } from '../migrate/index.js';
import { protectionOptionsFor, renderProtectionSql, type ProtectionOptions } from '../protection/index.js';
import { parseRevisionFile } from '../revisions/revision-file.js';
import { readRevisionFiles } from '../revisions/revision-folder.js';
import { RevisionGraph, multipleHeadsError } from '../revisions/revision-graph.js';
import { initSqlParser, splitStatements } from '../sql/index.js';
import { listSourceFiles } from '../ts-analysis/source-files.js';
import { appendUnique, planConfigEdit, section, writeConfigText } from './config-file.js';
import { planWriterOwners } from './codeowners-update.js';
import { parseTableName, sameTable } from './table-name.js';

export interface ProtectOptions {
  table: string;
  /** Globs of the writer module(s), relative to the project root. */
  writers: string[];
  cwd?: string;
  root?: string;
  configPath?: string;
  now?: Date;
}

export interface ProtectResult {
  /** Schema-qualified, as the revision installs it. */
  table: string;
  protection: ProtectionOptions;
  writers: { glob: string; files: string[] }[];
  revision: string;
  parents: string[];
  /** The new revision file, root-relative. */
  file: string;
  config: string;
  codeowners?: { file: string; added: string[] };
  warnings: string[];
  next: string[];
}

/**
 * `finbrain protect <table> --writer <glob>`: names the table and its writer in
 * the config and writes a revision (revising the current head) that installs the
 * database side of the protection. Every input is checked before the first
 * write; a failure after it puts back what was already written.
 */
export async function protect(o: ProtectOptions): Promise<ProtectResult> {
  const name = parseTableName(o.table);
  const loaded = loadConfig({ cwd: o.cwd, root: o.root, configPath: o.configPath });
  if (!loaded.file) {
    throw new UsageError(`no finbrain.config.json in ${loaded.root} or above: finbrain protect records the table there`, {
      hint: 'Run `npx finbrain init` in your service first (or pass --config <file>); nothing was written.',
    });
  }
  const { root, config } = loaded;
  const configRel = relative(root, loaded.file).split(sep).join('/');
  const already = config.singleWriter.protectedTables.find((t) => sameTable(t, name));
  if (already) {
    throw new UsageError(`${o.table} is already protected (singleWriter.protectedTables has "${already}" in ${configRel}); nothing was written`, {
      files: [configRel],
      hint: 'To change its writer, edit singleWriter.writers; to install the database side again, write a revision by hand (`finbrain migrate new`).',
    });
  }
  const writers = checkWriters(root, o.writers);

  const configured = protectionOptionsFor(config, name.table);
  const protection: ProtectionOptions = name.schema ? { ...configured, schema: name.schema } : configured;
  const sql = renderProtectionSql(protection);
  await initSqlParser();
  // The SQL brain reads what is about to be written: a generator bug must not reach a revision.
  splitStatements(sql.up);
  splitStatements(sql.down);

  const migrationsDir = isAbsolute(config.migrationsDir) ? config.migrationsDir : join(root, config.migrationsDir);
  const graph = new RevisionGraph(await readRevisionFiles(migrationsDir, root));
  const heads = graph.heads();
  if (heads.length > 1) throw multipleHeadsError(heads, graph);
  const warnings = tableCreated(graph, name) ? [] : [noCreateWarning(o.table)];

  const configEdit = planConfigEdit(loaded.file, (raw) => {
    const sw = section(raw, 'singleWriter');
    // The audit trail and the idempotency records are the writer's too: nothing else may write them.
    const companions = [protection.auditTable, protection.idempotencyTable].map((t) => (name.schema ? `${name.schema}.${t}` : t));
    appendUnique(sw, 'protectedTables', [o.table, ...companions]);
    appendUnique(sw, 'writers', writers.map((w) => w.glob));
    const owners = (raw.checks as Record<string, Record<string, unknown>> | undefined)?.codeowners;
    // An explicit list of protected paths does not follow the writers by itself.
    if (owners && Array.isArray(owners.protectedPaths)) appendUnique(owners, 'protectedPaths', writers.map((w) => writerPath(w.glob)));
  });
  const codeowners = planWriterOwners(root, configRel, writers.map((w) => ({ path: writerPath(w.glob), files: w.files })));

  // Writes start here.
  const created = await migrateNew({ root, configPath: loaded.file, message: `protect ${o.table}`, now: o.now });
  const revisionPath = join(root, created.file);
  try {
    const text = fillRevision(readFileSync(revisionPath, 'utf8'), sql, describe(o, protection));
    parseRevisionFile(revisionPath, text, root);
    writeFileSync(revisionPath, text);
    writeConfigText(loaded.file, configEdit.after);
    if (codeowners.text && codeowners.file) writeFileSync(join(root, codeowners.file), codeowners.text);
  } catch (e) {
    rmSync(revisionPath, { force: true });
    writeConfigText(loaded.file, configEdit.before);
    throw e;
  }

  const qualified = `${protection.schema}.${protection.table}`;
  return {
    table: qualified,
    protection,
    writers,
    revision: created.revision,
    parents: created.parents,
    file: created.file,
    config: configRel,
    codeowners: codeowners.file && codeowners.added.length ? { file: codeowners.file, added: codeowners.added } : undefined,
    warnings,
    next: nextSteps(qualified, writers, codeowners.unowned, codeowners.file),
  };
}

/** Each glob must name files that exist: a typo would protect a table nobody may write. */
function checkWriters(root: string, globs: string[]): { glob: string; files: string[] }[] {
  if (!globs.length) {
    throw new UsageError('--writer is required: the glob of the one module allowed to write the table', { hint: "e.g. finbrain protect payments --writer 'src/payments/**'; nothing was written." });
  }
  return globs.map((raw) => {
    const glob = raw.replace(/\\/g, '/').replace(/^\.\//, '');
    if (isAbsolute(raw) || glob.startsWith('/') || glob.split('/').includes('..')) {
      throw new UsageError(`--writer "${raw}" must be a glob relative to the project root (${root})`, { hint: "e.g. --writer 'src/payments/**'; nothing was written." });
    }
    const files = listSourceFiles(root, [glob], []);
    if (!files.length) {
      throw new UsageError(`--writer "${raw}" matches no file under ${root}; nothing was written`, {
        hint: `Create the writer module first (${exampleFile(glob)}), or fix the glob; it is relative to the project root. Quote it so your shell does not expand it.`,
      });
    }
    return { glob, files };
  });
}

function exampleFile(glob: string): string {
  const dir = writerPath(glob);
  return dir.endsWith('/') ? `a module in ${dir}` : glob;
}

/** Whether some SQL revision creates the table; TS revisions cannot be read statically, so they count as maybe. */
function tableCreated(graph: RevisionGraph, name: { table: string; schema?: string }): boolean {
  for (const f of graph.order) {
    if (f.format === 'ts') return true;
    let statements;
    try {
      statements = splitStatements(f.upSql ?? '');
    } catch {
      return true; // `migrate` reports a revision that does not parse; this is only a hint.
    }
    for (const s of statements) {
      const rel = s.kind === 'CreateStmt' ? (s.node.relation as { relname?: string; schemaname?: string } | undefined) : undefined;
      if (rel?.relname === name.table && (!name.schema || !rel.schemaname || rel.schemaname === name.schema)) return true;
    }
  }
  return false;
}

function noCreateWarning(table: string): string {
  return `no revision creates ${table}. If it is not in the database yet, create it in a revision before this one, or \`migrate up\` will fail on this revision.`;
}

function describe(o: ProtectOptions, p: ProtectionOptions): string[] {
  return [
    `Written by \`finbrain protect ${o.table} ${o.writers.map((w) => `--writer '${w}'`).join(' ')}\`: the database side of`,
    `protecting ${p.schema}.${p.table}, whose only writer is ${o.writers.join(', ')}: the single-writer guard, the audit trail`,
    `${p.auditTable}, the idempotency records ${p.idempotencyTable} and the rollups ${p.statsTable}.`,
    '`finbrain migrate down` removes it.',
  ];
}

/**
 * migrateNew wrote the header (id, parent, date) and empty sections: keep its
 * header, add the description, and put the protection SQL in the sections.
 */
function fillRevision(template: string, sql: { up: string; down: string }, description: string[]): string {
  const lines = template.split('\n');
  const upAt = lines.findIndex((l) => l.trim() === '-- migrate:up');
  if (upAt === -1) throw new ConfigError('the revision template has no `-- migrate:up` line', { hint: 'This is a finbrain bug: please report it.' });
  const header = lines.slice(0, upAt).join('\n').trimEnd();
  return `${header}\n--\n${description.map((l) => `-- ${l}`).join('\n')}\n\n-- migrate:up\n${sql.up.trimEnd()}\n\n-- migrate:down\n${sql.down.trimEnd()}\n`;
}

function nextSteps(table: string, writers: { glob: string }[], unowned: string[], codeownersFile: string | undefined): string[] {
  const steps = ['npx finbrain migrate up   # installs the protection (`migrate down` removes it)'];
  if (unowned.length) {
    steps.push(
      codeownersFile
        ? `Give ${unowned.join(', ')} an owner in ${codeownersFile} (its config file has no owner to copy), e.g. \`/${unowned[0]} @your-org/your-team\`.`
        : `Create .github/CODEOWNERS giving ${unowned.join(', ')} (and your migrations folder and finbrain.config.json) an owner.`,
    );
  }
  steps.push(`Write ${table} only through ${writers.map((w) => w.glob).join(', ')}: \`npx finbrain check single-writer\` reports any other write.`);
  steps.push('git add -A && git commit, then: npx finbrain changelog   # authors come from git; commit CHANGELOG.md too');
  return steps;
}

