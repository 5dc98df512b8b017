import { ts } from '../../ts-analysis/typescript.js';
import type { ModuleIndex } from '../../ts-analysis/module-index.js';
import { ownProperty, unwrapExpression } from '../../ts-analysis/const-value.js';
import { decorator } from '../orm-facts.js';
import { constString, type SinkContext } from '../sink-model.js';
import { projectDeleteActions, type DeleteAction } from './delete-actions.js';

/**
 * What deleting a MikroORM entity also writes, read once per run from every entity:
 * - the database's foreign keys: `@ManyToOne(() => User, { deleteRule: 'cascade' })` (also
 *   `'set null'`, `'set default'`), which any delete of a user runs (`nativeDelete`, a query builder);
 * - the unit of work's own cascade: `@OneToMany(() => Payment, (p) => p.user, { cascade: [Cascade.REMOVE] })`
 *   (or `Cascade.ALL`, or `orphanRemoval: true`), which `em.remove(user)` follows at the flush.
 */
export interface MikroDeleteActions {
  /** Run by the database, whatever deletes the parent row. */
  database: DeleteAction[];
  /** Followed by `em.remove()` only. */
  unitOfWork: DeleteAction[];
}

export function mikroDeleteActions(ctx: SinkContext): MikroDeleteActions {
  const read = (which: keyof MikroDeleteActions) =>
    projectDeleteActions(ctx, `mikro-orm ${which}`, (here, keys) => {
      const visit = (n: ts.Node): void => {
        if (ts.isClassDeclaration(n)) {
          const table = ctx.facts.mikroTable(n, here.mod);
          if (table) for (const member of n.members) relationKey(member, table, here, which === 'database' ? keys : [], which === 'unitOfWork' ? keys : []);
        }
        ts.forEachChild(n, visit);
      };
      visit(here.mod.sourceFile);
    }, which === 'database' ? /\bdeleteRule\b/ : /\b(orphanRemoval|cascade)\b/);
  return { database: read('database'), unitOfWork: read('unitOfWork') };
}

const ACTIONS = new Set(['cascade', 'set null', 'set default']);

/** A relation property: its decorator's kind, its options and the table of the entity it points at. */
interface RelationSpec {
  kind: string;
  property: string;
  options: ts.ObjectLiteralExpression;
  target: string;
}

function relationOf(member: ts.Node, kinds: RegExp, ctx: SinkContext): RelationSpec | undefined {
  const d = decorator(member, kinds, ctx.mod);
  if (!d || !ts.isPropertyDeclaration(member) || !ts.isIdentifier(member.name)) return undefined;
  const args = d.arguments.map(unwrapExpression);
  const options = [...args].reverse().find((a): a is ts.ObjectLiteralExpression => ts.isObjectLiteralExpression(a));
  // The target: `() => User` first, or `entity: () => User` in the options.
  const thunk = args[0] && !ts.isObjectLiteralExpression(args[0]) ? args[0] : options && ownProperty(options, 'entity');
  const target = thunk && targetTable(unwrapExpression(thunk), ctx);
  if (!target || !options) return undefined;
  const callee = unwrapExpression(d.expression);
  const kind = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
  return { kind, property: member.name.text, options, target };
}

function relationKey(member: ts.Node, table: string, ctx: SinkContext, database: DeleteAction[], unitOfWork: DeleteAction[]): void {
  const rel = relationOf(member, /^(ManyToOne|OneToOne|OneToMany)$/, ctx);
  if (!rel) return;
  const { kind, property, options, target } = rel;
  if (/ManyToOne|OneToOne/.test(kind)) {
    const rule = constString(ownProperty(options, 'deleteRule'), ctx)?.toLowerCase();
    if (rule && ACTIONS.has(rule)) database.push({ parent: target, child: table, action: rule as DeleteAction['action'], label: `${table}.${property} deleteRule: '${rule}'` });
  }
  if (/OneToMany|OneToOne/.test(kind) && removesWithParent(options, ctx)) {
    unitOfWork.push({ parent: table, child: target, action: 'cascade', label: `${table}.${property} ${orphan(options) ? 'orphanRemoval' : 'cascade remove'}, followed by em.remove()` });
  }
}

function targetTable(thunk: ts.Expression, ctx: SinkContext): string | undefined {
  const body = ts.isArrowFunction(thunk) && !ts.isBlock(thunk.body) ? thunk.body : thunk;
  const o = ctx.tracer.of(body, ctx.mod);
  return o.root.k === 'class' && !o.steps.length ? ctx.facts.mikroTable(o.root.node, o.root.module) : undefined;
}

const orphan = (options: ts.ObjectLiteralExpression) => ownProperty(options, 'orphanRemoval')?.kind === ts.SyntaxKind.TrueKeyword;

/** `cascade: [Cascade.REMOVE]`, `[Cascade.ALL]` (or their string values), or `orphanRemoval: true`. */
function removesWithParent(options: ts.ObjectLiteralExpression, ctx: SinkContext): boolean {
  if (orphan(options)) return true;
  const cascade = ownProperty(options, 'cascade');
  const list = cascade && unwrapExpression(cascade);
  if (!list || !ts.isArrayLiteralExpression(list)) return false;
  return list.elements.some((e) => {
    const u = unwrapExpression(e);
    const name = ts.isPropertyAccessExpression(u) ? u.name.text.toLowerCase() : constString(u, ctx)?.toLowerCase();
    return name === 'remove' || name === 'all';
  });
}

const orphanMemo = new WeakMap<ModuleIndex, Map<string, string>>();

/**
 * Collections declared with `orphanRemoval: true`, as `<parent table>.<property>` → the child
 * table: removing an item from one (`article.comments.remove(c)`, `set([...])`, `removeAll()`)
 * deletes its row at the flush.
 */
export function orphanRemovalCollections(ctx: SinkContext): Map<string, string> {
  ctx.index.noteAccess(ctx.projectFiles());
  let found = orphanMemo.get(ctx.index);
  if (found) return found;
  found = new Map();
  orphanMemo.set(ctx.index, found);
  for (const rel of ctx.projectFiles()) {
    const mod = ctx.index.getIfMentions(rel, /\borphanRemoval\b/);
    if (!mod) continue;
    const here: SinkContext = { ...ctx, mod };
    const visit = (n: ts.Node): void => {
      if (ts.isClassDeclaration(n)) {
        const table = ctx.facts.mikroTable(n, mod);
        for (const member of table ? n.members : []) {
          const rel = relationOf(member, /^(OneToMany|OneToOne)$/, here);
          if (rel && orphan(rel.options)) found!.set(`${table}.${rel.property}`, rel.target);
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(mod.sourceFile);
  }
  return found;
}
