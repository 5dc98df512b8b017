import type { DeleteAction } from './delete-actions.js';
import type { Association } from './sequelize-associations.js';

/**
 * The foreign keys Sequelize's associations make, with their delete actions, so that a
 * `destroy()` of a parent says which protected children the database deletes or updates
 * with it (Sequelize v6's associations docs):
 *
 * - `A.belongsTo(B)`: the key is on A, so deleting a B row acts on A;
 * - `A.hasOne(B)`, `A.hasMany(B)`: the key is on B, so deleting an A row acts on B;
 * - `A.belongsToMany(B, { through: T })`: keys on T to both, `CASCADE` unless stated otherwise.
 *
 * Only an action the options state counts for the first three: Sequelize's own default
 * (`SET NULL` or `CASCADE`, by whether the key column allows null) belongs to tables
 * `sync()` creates, and a migrated schema states its own; the database guard sees those.
 */
export function sequelizeDeleteActions(associations: readonly Association[]): DeleteAction[] {
  const out: DeleteAction[] = [];
  for (const a of associations) {
    if (a.noConstraints) continue;
    if (a.kind === 'belongsToMany') {
      if (!a.through) continue;
      const action = actionOf(a.onDelete ?? 'cascade');
      if (!action) continue;
      const label = `${a.through} (belongsToMany through) onDelete: '${action.toUpperCase()}'${a.onDelete ? '' : ' (the default)'}`;
      out.push({ parent: a.source, child: a.through, action, label });
      out.push({ parent: a.target, child: a.through, action: 'cascade', label: `${a.through} (belongsToMany through) onDelete: 'CASCADE' (the default)` });
      continue;
    }
    const action = a.onDelete ? actionOf(a.onDelete) : undefined;
    if (!action) continue;
    const [parent, child] = a.kind === 'belongsTo' ? [a.target, a.source] : [a.source, a.target];
    out.push({ parent, child, action, label: `${child} (${a.kind}) onDelete: '${action.toUpperCase()}'` });
  }
  return out;
}

/** The tables whose foreign keys reference `table` through associations, transitively and whatever their action: what `TRUNCATE … CASCADE` empties with it. */
export function referencingTables(associations: readonly Association[], table: string): string[] {
  const found = new Set<string>([table]);
  const queue = [table];
  for (let t = queue.shift(); t !== undefined; t = queue.shift()) {
    for (const a of associations) {
      if (a.noConstraints) continue;
      const child = a.kind === 'belongsToMany' ? (a.source === t || a.target === t ? a.through : undefined) : a.kind === 'belongsTo' ? (a.target === t ? a.source : undefined) : a.source === t ? a.target : undefined;
      if (child && !found.has(child)) {
        found.add(child);
        queue.push(child);
      }
    }
  }
  found.delete(table);
  return [...found];
}

function actionOf(onDelete: string): DeleteAction['action'] | undefined {
  const a = onDelete.replace(/\s+/g, ' ').trim();
  return a === 'cascade' || a === 'set null' || a === 'set default' ? a : undefined;
}
