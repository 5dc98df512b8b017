import type { ModuleIndex } from '../../ts-analysis/module-index.js';
import type { SinkContext } from '../sink-model.js';

/**
 * A foreign key's delete action, as an ORM's schema declares it: deleting a `parent` row makes
 * the database delete (`cascade`) or update (`set null`, `set default`) the `child` rows that
 * reference it. `label` is how the schema says it, for the finding's message.
 */
export interface DeleteAction {
  parent: string;
  child: string;
  action: 'cascade' | 'set null' | 'set default';
  label: string;
}

export interface DeleteEffect {
  table: string;
  operation: 'delete' | 'update';
  /** `users → expenses.user_id onDelete: 'cascade'`: why the table is written. */
  path: string;
}

/** What deleting from `table` also writes: children by cascade (transitively), set null / set default as updates. */
export function deleteEffects(keys: readonly DeleteAction[], table: string): DeleteEffect[] {
  const out: DeleteEffect[] = [];
  const seen = new Set([table]);
  const walk = (parent: string, path: string): void => {
    for (const k of keys) {
      if (k.parent !== parent) continue;
      const step = `${path} → ${k.label}`;
      out.push({ table: k.child, operation: k.action === 'cascade' ? 'delete' : 'update', path: step });
      if (k.action === 'cascade' && !seen.has(k.child)) {
        seen.add(k.child);
        walk(k.child, step);
      }
    }
  };
  walk(table, table);
  return out;
}

const memo = new WeakMap<ModuleIndex, Map<string, DeleteAction[]>>();

/**
 * One library's delete actions, read once per run from every file that mentions `onDelete` (or `mentions`)
 * (`readModule` reads one). The reading is project-wide, so every file using it lists the run's
 * files as its cache dependencies: an edited schema re-checks the files that delete.
 */
export function projectDeleteActions(ctx: SinkContext, library: string, readModule: (here: SinkContext, out: DeleteAction[]) => void, mentions = /\bonDelete\b/): DeleteAction[] {
  ctx.index.noteAccess(ctx.projectFiles());
  let byLibrary = memo.get(ctx.index);
  if (!byLibrary) memo.set(ctx.index, (byLibrary = new Map()));
  const hit = byLibrary.get(library);
  if (hit) return hit;
  const keys: DeleteAction[] = [];
  byLibrary.set(library, keys);
  for (const rel of ctx.projectFiles()) {
    const mod = ctx.index.getIfMentions(rel, mentions);
    if (mod) readModule({ ...ctx, mod }, keys);
  }
  return keys;
}
