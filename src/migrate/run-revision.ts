import { pathToFileURL } from 'node:url';
import type { Db } from '../db/types.js';
import { MigrationFailedError, RevisionError, SqlSyntaxError } from '../errors.js';
import type { RevisionFile } from '../revisions/revision-file.js';
import { classifySql, splitStatements } from '../sql/index.js';
import { createMigrationContext, type MigrationContext } from './context.js';
import type { EventSink } from './events.js';
import { recordApplySql, recordFailure, recordRevertSql, type LedgerNames } from './ledger.js';
import { withLockRetry, type RetryPolicy } from './retry.js';
import { lockHolders } from './index-helpers/catalog.js';
import { withIndexProgress } from './index-helpers/progress.js';
import { explainUniqueFailure, repairInvalidIndex } from './index-helpers/safety.js';

export type Direction = 'up' | 'down';

export interface RunOptions {
  db: Db;
  ledger: LedgerNames;
  concurrent: boolean;
  retry: RetryPolicy;
  emit: EventSink;
}

/** `Transaction: auto` runs without a transaction only in concurrent mode. */
export function runsInTransaction(file: RevisionFile, concurrent: boolean): boolean {
  if (file.transaction === 'false') return false;
  if (file.transaction === 'auto') return !concurrent;
  return true;
}

function sectionSql(file: RevisionFile, direction: Direction): string {
  return (direction === 'up' ? file.upSql : file.downSql) ?? '';
}

function sectionLine(file: RevisionFile, direction: Direction): number {
  return (direction === 'up' ? file.upLine : file.downLine) ?? 1;
}

/** Line in the file of a character offset inside a section's SQL. */
function fileLine(file: RevisionFile, direction: Direction, offset: number): number {
  const sql = sectionSql(file, direction);
  let line = sectionLine(file, direction);
  for (let i = 0; i < offset && i < sql.length; i++) if (sql.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Everything that can be known before running: the SQL parses, and a
 * transactional migration contains nothing Postgres forbids in a transaction.
 * Throws RevisionError (exit 2) so nothing runs.
 */
export function preflight(file: RevisionFile, direction: Direction, concurrent: boolean): void {
  if (direction === 'down' && !file.reversible) {
    throw new RevisionError(`${file.relPath}: revision ${file.revision} is irreversible (it has no down)`, {
      files: [file.relPath],
      revision: file.revision,
      hint: file.format === 'sql' ? 'Add a `-- migrate:down` section, or stop the downgrade above this revision with --to.' : 'Export a `down(ctx)` function, or stop above this revision with --to.',
    });
  }
  if (file.format !== 'sql') return;
  const sql = sectionSql(file, direction);
  let statements;
  try {
    statements = classifySql(sql);
  } catch (e) {
    if (e instanceof SqlSyntaxError) {
      const line = e.position === undefined ? sectionLine(file, direction) : fileLine(file, direction, e.position);
      throw new RevisionError(`${file.relPath}:${line}: SQL syntax error in the ${direction} section of ${file.revision}: ${e.message}`, {
        files: [file.relPath],
        revision: file.revision,
        hint: 'Fix the SQL; nothing was run.',
        cause: e,
      });
    }
    throw e;
  }
  if (!runsInTransaction(file, concurrent)) return;
  const bad = statements.find((s) => s.forbiddenInTransaction);
  if (bad) {
    throw new RevisionError(
      `${file.relPath}:${fileLine(file, direction, bad.start)}: revision ${file.revision} runs in a transaction but contains ${bad.forbiddenInTransaction}, which Postgres refuses inside a transaction block`,
      {
        files: [file.relPath],
        revision: file.revision,
        hint: `Set \`Transaction: false\` in the header of ${file.relPath} (or \`Transaction: auto\` to switch with concurrent mode); nothing was run.`,
      },
    );
  }
}

type MigrationModule = { up: (ctx: MigrationContext) => Promise<unknown>; down?: (ctx: MigrationContext) => Promise<unknown> };

async function loadTsModule(file: RevisionFile): Promise<MigrationModule> {
  // tsx is loaded only when a TS migration actually runs.
  const { tsImport } = await import('tsx/esm/api');
  const mod = (await tsImport(pathToFileURL(file.path).href, import.meta.url)) as MigrationModule & { default?: MigrationModule };
  const m = typeof mod.up === 'function' ? mod : (mod.default ?? mod);
  if (typeof m.up !== 'function') {
    throw new RevisionError(`${file.relPath}: does not export an up(ctx) function`, { files: [file.relPath], revision: file.revision });
  }
  return m;
}

function pgDetail(e: any): string {
  const parts = [e?.message ?? String(e)];
  if (e?.detail) parts.push(`DETAIL: ${e.detail}`);
  if (e?.hint) parts.push(`HINT: ${e.hint}`);
  return parts.join('\n');
}

function failed(file: RevisionFile, direction: Direction, e: any, where: string, extra = ''): MigrationFailedError {
  const code = e?.code ? ` [${e.code}]` : '';
  return new MigrationFailedError(`${where}: ${direction === 'up' ? 'upgrade' : 'downgrade'} of ${file.revision} failed${code}: ${pgDetail(e)}${extra}`, {
    files: [file.relPath],
    revision: file.revision,
    cause: e,
  });
}

/** Runs one revision in one direction, with its ledger write, as one unit where Postgres allows it. */
export async function runRevision(file: RevisionFile, direction: Direction, o: RunOptions): Promise<number> {
  const inTx = runsInTransaction(file, o.concurrent);
  o.emit({ type: 'start', revision: file.revision, direction, summary: file.summary, mode: inTx ? 'transactional' : 'non-transactional' });
  const started = performance.now();
  const ledgerSql = (ms: number | 'transaction') =>
    direction === 'up'
      ? recordApplySql(o.ledger, {
          revision: file.revision,
          parents: file.parents,
          file: file.relPath,
          checksum: file.checksum,
          durationMs: ms,
          mode: inTx ? 'transactional' : 'non-transactional',
          direction: 'up',
        })
      : recordRevertSql(o.ledger, file.revision, ms);
  // Relations the revision's DDL touches: whoever holds a lock on them is named in the retry log.
  let relations: string[] = [];
  try {
    relations = [...new Set(classifySql(sectionSql(file, direction)).map((st) => st.node.relation).filter((r) => r?.relname).map((r) => [r.schemaname, r.relname].filter(Boolean).join('.')))];
  } catch {
    relations = [];
  }
  const onRetry = async ({ attempt, delayMs, error }: { attempt: number; delayMs: number; error: unknown }) => {
    const holders = (await Promise.all(relations.map((r) => lockHolders(o.db, r).catch(() => [])))).flat();
    const blockers = holders.length ? `; blocked by ${holders.map((h) => `pid ${h.pid} (${h.mode}): ${h.query.replace(/\s+/g, ' ')}`).join('; ')}` : '';
    o.emit({ type: 'retry', revision: file.revision, attempt, delayMs, message: `${(error as Error).message}${blockers}` });
  };
  const hasIndexBuild = file.format === 'sql' && /\bindex\b/i.test(sectionSql(file, direction));

  try {
    if (file.format === 'sql') {
      const sql = sectionSql(file, direction);
      if (inTx) {
        // One round trip: the migration and its ledger row commit together or not at all.
        const prefix = 'BEGIN;\n';
        await withLockRetry(
          o.retry,
          async () => {
            try {
              const run = () => o.db.exec(`${prefix}${sql}\n;\n${ledgerSql('transaction')}\nCOMMIT;`);
              await (hasIndexBuild ? withIndexProgress(o.db, file.revision, o.emit, run) : run());
            } catch (e) {
              await o.db.exec('ROLLBACK').catch(() => {});
              const pos = Number((e as { position?: string }).position);
              if (Number.isFinite(pos) && pos > 0) (e as any).__line = fileLine(file, direction, pos - 1 - prefix.length);
              throw e;
            }
          },
          onRetry,
        );
      } else {
        const statements = splitStatements(sql);
        for (const [i, s] of statements.entries()) {
          const isIndexBuild = s.kind === 'IndexStmt';
          try {
            // A leftover INVALID index would make IF NOT EXISTS skip the build: repair it first.
            if (isIndexBuild && s.node.concurrent && s.node.idxname) {
              const name = [s.node.relation?.schemaname, s.node.idxname].filter(Boolean).join('.');
              await repairInvalidIndex(o.db, name, true, o.emit, file.revision);
            }
            const exec = () => o.db.exec(s.text);
            await withLockRetry(o.retry, () => (isIndexBuild ? withIndexProgress(o.db, file.revision, o.emit, exec) : exec()), onRetry);
          } catch (e) {
            if (isIndexBuild && s.node.unique && (e as { code?: string }).code === '23505') {
              (e as { __unique?: string }).__unique = await explainUniqueFailure(o.db, s.node, true);
            }
            const pos = Number((e as { position?: string }).position);
            const line = Number.isFinite(pos) && pos > 0 ? fileLine(file, direction, s.start + pos - 1) : fileLine(file, direction, s.start);
            const note =
              i > 0
                ? `\nNOTE: this migration runs without a transaction: the ${i} statement(s) before it stay applied. Make its statements idempotent (IF [NOT] EXISTS) and run it again.`
                : '';
            throw Object.assign(e as object, { __line: line, __note: `${(e as { __unique?: string }).__unique ?? ''}${note}` });
          }
        }
        await o.db.exec(ledgerSql(performance.now() - started));
      }
    } else {
      const mod = await loadTsModule(file);
      const fn = direction === 'up' ? mod.up : mod.down;
      if (!fn) throw new RevisionError(`${file.relPath}: no ${direction}(ctx) export`, { files: [file.relPath], revision: file.revision });
      const ctx = createMigrationContext({
        db: o.db,
        revision: file.revision,
        concurrent: o.concurrent,
        inTransaction: inTx,
        log: (m) => o.emit({ type: 'notice', revision: file.revision, message: m }),
        retry: o.retry,
        onRetry,
      });
      if (inTx) {
        await withLockRetry(
          o.retry,
          async () => {
            await o.db.exec('BEGIN');
            try {
              await fn(ctx);
              await o.db.exec(ledgerSql(performance.now() - started));
              await o.db.exec('COMMIT');
            } catch (e) {
              await o.db.exec('ROLLBACK').catch(() => {});
              throw e;
            }
          },
          onRetry,
        );
      } else {
        await fn(ctx);
        await o.db.exec(ledgerSql(performance.now() - started));
      }
    }
  } catch (e) {
    if (e instanceof RevisionError) throw e;
    const line = (e as any)?.__line as number | undefined;
    const where = line ? `${file.relPath}:${line}` : file.relPath;
    await recordFailure(o.db, o.ledger, file.revision, direction, pgDetail(e));
    const rolledBack = inTx ? '\nThe migration was rolled back; earlier revisions stay applied.' : '';
    throw failed(file, direction, e, where, `${(e as any)?.__note ?? ''}${rolledBack}`);
  }
  const durationMs = performance.now() - started;
  o.emit({ type: 'done', revision: file.revision, direction, durationMs });
  return durationMs;
}
