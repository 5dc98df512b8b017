import { ts } from '../../ts-analysis/typescript.js';
import type { ModuleInfo } from '../../ts-analysis/module-index.js';
import type { Origin } from '../../ts-analysis/origin.js';
import { functionAt } from '../../ts-analysis/scopes.js';
import { constValue, unwrapExpression } from '../../ts-analysis/const-value.js';
import type { WriteOperation } from '../../sql/index.js';
import { foldSql, type CallSite, type Sink, type SinkContext, type SinkModel } from '../sink-model.js';
import { perSubclass } from '../subclass-bindings.js';
import { callStep, entityTable, instanceTable, typeArgTable } from './orm-entities.js';
import { deleteEffects } from './delete-actions.js';
import { mikroDeleteActions, orphanRemovalCollections } from './mikro-orm-foreign-keys.js';

/**
 * MikroORM: entities from `@Entity({ tableName })` (else the underscored class
 * name), `new EntitySchema`/`defineEntity`; entity-manager writes
 * (`persist/persistAndFlush/remove/removeAndFlush` of an entity,
 * `insert/insertMany/nativeUpdate/nativeDelete/upsert/upsertMany(E, …)`),
 * the same on a repository for its entity, query-builder writes
 * (`em.createQueryBuilder(E).insert/update/delete/truncate`), and
 * `em.execute(sql)`. Changing a loaded entity and then `flush()` is reported at
 * the flush as an inferred (warning) write.
 */
const PKG = /^@mikro-orm\/.+$/;
const EM_WRITES = new Map<string, WriteOperation>([
  ['persist', 'insert'],
  ['persistAndFlush', 'insert'],
  ['remove', 'delete'],
  ['removeAndFlush', 'delete'],
  ['insert', 'insert'],
  ['insertMany', 'insert'],
  ['nativeUpdate', 'update'],
  ['nativeDelete', 'delete'],
  ['upsert', 'insert'],
  ['upsertMany', 'insert'],
]);
const QB_WRITES = new Map<string, WriteOperation>([
  ['insert', 'insert'],
  ['update', 'update'],
  ['delete', 'delete'],
  ['truncate', 'truncate'],
]);
const ENTITY_FIRST = new Set(['insert', 'insertMany', 'nativeUpdate', 'nativeDelete', 'upsert', 'upsertMany']);
const ENTITY_WRAPPERS = /^(Loaded|Ref|Reference|Rel)$/;
const FINDERS = /^(findOne|findOneOrFail|find|findAll|findByCursor|getReference|findAndCount)$/;

function isMikro(o: Origin): boolean {
  return o.root.k === 'package' && PKG.test(o.root.pkg);
}

const tableOf = (ctx: SinkContext) => (node: ts.Node, mod: ModuleInfo) => ctx.facts.mikroTable(node, mod);

function repoTable(o: Origin, ctx: SinkContext): string | undefined {
  if (!isMikro(o)) return undefined;
  const get = callStep(o, /^getRepository$/);
  if (get) return entityTable(get.node.arguments[0], ctx, tableOf(ctx));
  for (let i = o.steps.length - 1; i >= 0; i--) {
    const s = o.steps[i]!;
    if (s.k === 'typed') {
      const t = typeArgTable(s, ctx, tableOf(ctx));
      if (t) return t;
    }
  }
  return undefined;
}

/** The table of an entity value: built, created, found, referenced. */
function entityValueTable(expr: ts.Expression | undefined, ctx: SinkContext): string | undefined {
  if (!expr) return undefined;
  const o = ctx.tracer.of(expr, ctx.mod);
  const direct = instanceTable(o, ctx, tableOf(ctx), (r) => repoTable(r, ctx));
  if (direct) return direct;
  // `user: Loaded<User, 'favorites'>`, `Ref<User>`: MikroORM's wrappers name the entity in their first type argument.
  const last = o.steps.at(-1);
  if (isMikro(o) && o.root.k === 'package' && ENTITY_WRAPPERS.test(o.root.name) && last?.k === 'typed') return typeArgTable(last, ctx, tableOf(ctx));
  return loadedTable(o, ctx);
}

function loadedTable(o: Origin, ctx: SinkContext): string | undefined {
  const steps = o.steps.at(-1)?.k === 'elem' ? o.steps.slice(0, -1) : o.steps;
  const last = steps.at(-1);
  // em.populate(entity, [...]) gives back the entity it was given.
  if (last?.k === 'call' && last.name === 'populate' && isMikro(o) && last.node.arguments[0]) return entityValueTable(last.node.arguments[0], ctx);
  if (last?.k !== 'call' || !last.name || !FINDERS.test(last.name) || !isMikro(o)) return undefined;
  return entityTable(last.node.arguments[0], ctx, tableOf(ctx)) ?? repoTable({ root: o.root, steps: steps.slice(0, -1) }, ctx);
}

export const mikroOrmModel: SinkModel = {
  id: 'mikro-orm',
  methods: [...EM_WRITES.keys(), ...QB_WRITES.keys(), 'execute', 'flush', 'add', 'create'],
  call(site, ctx) {
    if (!site.receiver) return undefined;
    const method = site.method!;
    const o = ctx.tracer.of(site.receiver, ctx.mod);
    if (!isMikro(o)) return undefined;
    if (isEntityProperty(site.receiver, ctx)) return collectionCall(site.node, site.receiver, method, site.args, ctx);
    if (method === 'add') return undefined;
    const qb = callStep(o, /^(createQueryBuilder|qb)$/);
    if (qb && QB_WRITES.has(method)) {
      const before: Origin = { root: o.root, steps: o.steps.slice(0, o.steps.indexOf(qb)) };
      const table = entityTable(qb.node.arguments[0], ctx, tableOf(ctx)) ?? repoTable(before, ctx);
      return withDeleteEffects([{ kind: 'builder', node: site.node, via: `mikro-orm query builder .${method}()`, table, operation: QB_WRITES.get(method)!, library: 'mikro-orm' }], ctx, false);
    }
    if (method === 'execute') {
      if (!site.args[0] || ts.isArrowFunction(unwrapExpression(site.args[0]))) return undefined;
      return [{ kind: 'sql', node: site.node, via: 'em.execute()', sql: foldSql(site.args[0], ctx), dbReceiver: true, library: 'mikro-orm' }];
    }
    if (method === 'flush') return flush(site.node, ctx);
    if (method === 'create') {
      // em.create(E, data) / repo.create(data): MikroORM 6 persists what it creates (persistOnCreate),
      // so the next flush inserts it: an inferred (warning) INSERT.
      const table = site.args.length >= 2 ? entityTable(site.args[0], ctx, tableOf(ctx)) : repoTable(o, ctx);
      return table ? [{ kind: 'builder', node: site.node, via: 'mikro-orm .create() (persisted on create, inserted at flush)', table, operation: 'insert', inferred: true, library: 'mikro-orm' }] : undefined;
    }
    const op = EM_WRITES.get(method);
    if (!op) return undefined;
    const repo = repoTable(o, ctx);
    let table: string | undefined;
    if (repo !== undefined && !(ENTITY_FIRST.has(method) && site.args.length >= 2)) table = ENTITY_FIRST.has(method) ? repo : (entityValueTable(site.args[0], ctx) ?? repo);
    else if (ENTITY_FIRST.has(method) && site.args.length >= 2) table = entityTable(site.args[0], ctx, tableOf(ctx));
    else table = entityValueTable(site.args[0], ctx);
    // `this.repo.nativeDelete(…)` in a generic base service (`EntityRepository<T>`): the repositories its subclasses hand to super().
    if (table === undefined) {
      const bound = boundBySubclasses(site, op, method, ctx);
      if (bound) return bound;
    }
    return withDeleteEffects([{ kind: 'builder', node: site.node, via: `mikro-orm .${method}()`, table, operation: op, library: 'mikro-orm' }], ctx, method === 'remove' || method === 'removeAndFlush');
  },
};

/** `this.repo.nativeDelete(…)` in a generic base service: one write per subclass repository table (perSubclass). */
function boundBySubclasses(site: CallSite, op: WriteOperation, method: string, ctx: SinkContext): Sink[] | undefined {
  const bound = perSubclass(site.receiver!, ctx, 'repository', (b) => (b.value ? repoTable(b.value, { ...ctx, mod: b.mod }) : undefined));
  return bound?.flatMap(({ value: table, how }) => withDeleteEffects([{ kind: 'builder', node: site.node, via: `mikro-orm .${method}() ${how}`, table, operation: op, library: 'mikro-orm' }], ctx, method === 'remove' || method === 'removeAndFlush'));
}

/**
 * A delete also writes what the relations say: the foreign keys' `deleteRule` (any delete), and
 * for `em.remove()` the collections it removes with the entity (`Cascade.REMOVE`, `orphanRemoval`).
 */
function withDeleteEffects(sinks: Sink[], ctx: SinkContext, unitOfWork: boolean): Sink[] {
  const first = sinks[0];
  if (!first || first.kind !== 'builder' || first.operation !== 'delete' || first.table === undefined) return sinks;
  const actions = mikroDeleteActions(ctx);
  const keys = unitOfWork ? [...actions.database, ...actions.unitOfWork] : actions.database;
  for (const e of deleteEffects(keys, first.table)) sinks.push({ ...first, via: `${first.via} through the relation (${e.path})`, table: e.table, operation: e.operation });
  return sinks;
}

/**
 * `article.comments` or `user.favorites`: a relation of an entity, a Collection, not the
 * EntityManager. Its `remove(x)` unlinks (a pivot row for many-to-many, or the foreign key):
 * not a write of the item's table, except on a collection declared `orphanRemoval: true`.
 */
function isEntityProperty(receiver: ts.Expression, ctx: SinkContext): boolean {
  const r = unwrapExpression(receiver);
  return ts.isPropertyAccessExpression(r) && entityValueTable(r.expression, ctx) !== undefined;
}

/**
 * `author.articles.add(new Article(…))`: a new entity added to a relation is inserted by the
 * cascade at the next flush: an inferred (warning) INSERT of its table, at the add.
 */
function collectionCall(node: ts.CallExpression, receiver: ts.Expression, method: string, args: readonly ts.Expression[], ctx: SinkContext): Sink[] | undefined {
  if (ORPHANING.has(method)) return orphaned(node, receiver, method, ctx);
  if (method !== 'add') return undefined;
  const sinks: Sink[] = [];
  for (const a of args) {
    const v = constValue(a, ctx.mod, ctx.index);
    if (v?.kind !== 'expr' || !ts.isNewExpression(unwrapExpression(v.expr))) continue;
    const table = entityValueTable(a, ctx);
    if (table) sinks.push({ kind: 'builder', node, via: 'mikro-orm collection .add() of a new entity (inserted by cascade at flush)', table, operation: 'insert', inferred: true, library: 'mikro-orm' });
  }
  return sinks.length ? sinks : undefined;
}

/** Collection methods that take items out: with `orphanRemoval`, their rows are deleted at the flush. */
const ORPHANING = new Set(['remove', 'removeAll', 'set']);

/** `article.comments.remove(c)` on a collection declared `orphanRemoval: true`: an inferred DELETE of the item's table. */
function orphaned(node: ts.CallExpression, receiver: ts.Expression, method: string, ctx: SinkContext): Sink[] | undefined {
  const r = unwrapExpression(receiver);
  if (!ts.isPropertyAccessExpression(r)) return undefined;
  const owner = entityValueTable(r.expression, ctx);
  const child = owner && orphanRemovalCollections(ctx).get(`${owner}.${r.name.text}`);
  return child ? [{ kind: 'builder', node, via: `mikro-orm collection .${method}() with orphanRemoval (deleted at flush)`, table: child, operation: 'delete', inferred: true, library: 'mikro-orm' }] : undefined;
}

/** `flush()` after assigning to an entity loaded in the same function: an inferred UPDATE. */
function flush(node: ts.CallExpression, ctx: SinkContext): Sink[] | undefined {
  const fn = functionAt(ctx.mod.scopes, node.end - 1);
  if (!fn) return undefined;
  const tables = new Set<string>();
  const visit = (n: ts.Node): void => {
    if (n.pos > node.pos) return;
    // entity.title = …, entity.count += 1, entity.count++ (a loaded entity's field changed)
    const changed =
      ts.isBinaryExpression(n) && n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && n.operatorToken.kind <= ts.SyntaxKind.LastAssignment
        ? n.left
        : (ts.isPostfixUnaryExpression(n) || ts.isPrefixUnaryExpression(n)) && (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken)
          ? n.operand
          : undefined;
    if (changed && ts.isPropertyAccessExpression(changed)) {
      const t = loadedTable(ctx.tracer.of(changed.expression, ctx.mod), ctx);
      if (t) tables.add(t);
    }
    if (ts.isCallExpression(n)) {
      const c = unwrapExpression(n.expression);
      // wrap(entity).assign({…}) / em.assign(entity, {…})
      if (ts.isPropertyAccessExpression(c) && c.name.text === 'assign') {
        const target = ts.isCallExpression(c.expression) ? c.expression.arguments[0] : n.arguments[0];
        const t = target && loadedTable(ctx.tracer.of(target, ctx.mod), ctx);
        if (t) tables.add(t);
      }
    }
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(fn, visit);
  return [...tables].map((table) => ({ kind: 'builder' as const, node, via: 'mikro-orm flush() of a changed entity', table, operation: 'update' as const, library: 'mikro-orm', inferred: true }));
}
