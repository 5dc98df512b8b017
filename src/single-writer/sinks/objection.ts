import { ts } from '../../ts-analysis/typescript.js';
import { ownProperty, unwrapExpression } from '../../ts-analysis/const-value.js';
import type { ModuleInfo } from '../../ts-analysis/module-index.js';
import type { Origin } from '../../ts-analysis/origin.js';
import { classChain } from '../../ts-analysis/class-members.js';
import type { WriteOperation } from '../../sql/index.js';
import { constString, flattenChain, type ChainLink, type Sink, type SinkContext, type SinkModel } from '../sink-model.js';

/**
 * Objection.js (an ORM over Knex), as its documentation writes it: a model class extending
 * `Model` with `static tableName = 'persons'` (or `static get tableName() { return 'persons' }`,
 * possibly declared on a base model), and writes through its query builder:
 * `Person.query(trx).insert(…)`, `.patch/.update/.delete()`, `…ById`, `…AndFetch…`, the graph
 * writes, and an instance's `person.$query().patch(…)`; writes through a relation
 * (`Person.relatedQuery('pets').for(id).insert(…)`, `$relatedQuery`, `relate`/`unrelate`) by
 * the model's `relationMappings`.
 */
const PKG = /^objection$/;
const WRITES = new Map<string, WriteOperation>([
  ['insert', 'insert'],
  ['insertAndFetch', 'insert'],
  ['insertGraph', 'insert'],
  ['insertGraphAndFetch', 'insert'],
  ['upsertGraph', 'insert'],
  ['upsertGraphAndFetch', 'insert'],
  ['patch', 'update'],
  ['patchAndFetch', 'update'],
  ['patchAndFetchById', 'update'],
  ['update', 'update'],
  ['updateAndFetch', 'update'],
  ['updateAndFetchById', 'update'],
  ['delete', 'delete'],
  ['deleteById', 'delete'],
]);

export const objectionModel: SinkModel = {
  id: 'objection',
  methods: [...WRITES.keys(), 'relate', 'unrelate'],
  call(site, ctx) {
    const { links } = flattenChain(site.node);
    if (links.at(-1)?.call !== site.node) return undefined;
    const related = links.findIndex((l) => (l.name === 'relatedQuery' || l.name === '$relatedQuery') && l.call);
    if (related >= 0) return relatedWrite(site.node, site.method!, links[related]!, ctx);
    const op = WRITES.get(site.method!);
    if (!op) return undefined;
    const q = links.findIndex((l) => (l.name === 'query' || l.name === '$query') && l.call);
    if (q < 0) return undefined;
    const callee = unwrapExpression(links[q]!.call!.expression);
    if (!ts.isPropertyAccessExpression(callee)) return undefined;
    const model = modelClass(ctx.tracer.of(callee.expression, ctx.mod), links[q]!.name === '$query');
    if (!model || !extendsObjection(ctx.tracer.instanceOf(model.cls, model.mod, 0))) return undefined;
    const table = tableOf(model.cls, model.mod, ctx);
    return [{ kind: 'builder', node: site.node, via: `objection ${model.cls.name?.text ?? 'model'}.${links[q]!.name}().${site.method}()`, table, operation: op, library: 'objection' } satisfies Sink];
  },
};

/**
 * `Person.relatedQuery('pets').for(id).insert(…)`, `person.$relatedQuery('movies').relate(id)`: the
 * relation's model (from `relationMappings`) and, for a many-to-many, its join table
 * (`join.through.from: 'persons_movies.personId'`), as each relation kind writes them.
 */
function relatedWrite(node: ts.CallExpression, method: string, link: ChainLink, ctx: SinkContext): Sink[] | undefined {
  const callee = unwrapExpression(link.call!.expression);
  const name = constString(link.args[0], ctx);
  if (!ts.isPropertyAccessExpression(callee) || name === undefined) return undefined;
  const owner = modelClass(ctx.tracer.of(callee.expression, ctx.mod), link.name === '$relatedQuery');
  if (!owner || !extendsObjection(ctx.tracer.instanceOf(owner.cls, owner.mod, 0))) return undefined;
  const rel = relation(owner.cls, owner.mod, name, ctx);
  if (!rel) return undefined;
  const ownerTable = tableOf(owner.cls, owner.mod, ctx);
  const many = rel.kind === 'ManyToManyRelation';
  const belongs = rel.kind === 'BelongsToOneRelation';
  const writes: { table: string | undefined; operation: WriteOperation }[] = [];
  const op = WRITES.get(method);
  if (method === 'relate' || method === 'unrelate') {
    // The link lives in the join table (many-to-many), on the owner (belongs-to) or on the related rows.
    if (many) writes.push({ table: rel.through, operation: method === 'relate' ? 'insert' : 'delete' });
    else writes.push({ table: belongs ? ownerTable : rel.table, operation: 'update' });
  } else if (op) {
    writes.push({ table: rel.table, operation: op });
    if (many && op === 'insert') writes.push({ table: rel.through, operation: 'insert' });
    if (belongs && op === 'insert') writes.push({ table: ownerTable, operation: 'update' });
  } else return undefined;
  const via = `objection ${owner.cls.name?.text ?? 'model'}.${link.name}('${name}').${method}()`;
  return writes.map((w) => ({ kind: 'builder', node, via, table: w.table, operation: w.operation, library: 'objection' }));
}

interface Relation {
  kind: string;
  table: string | undefined;
  through?: string;
}

/** A relation of `relationMappings` (a static object, an arrow returning one, or a getter), by name, on the class or a class it extends. */
function relation(cls: ts.ClassLikeDeclaration, mod: ModuleInfo, name: string, ctx: SinkContext): Relation | undefined {
  for (const { cls: c, mod: m } of classChain(ctx.tracer, cls, mod)) {
    const mappings = staticMember(c, 'relationMappings');
    if (!mappings) continue;
    // The nearest class declaring relationMappings is the one Objection uses.
    const obj = objectOf(mappings);
    const entry = obj && ownProperty(obj, name);
    const spec = entry && unwrapExpression(entry);
    if (!spec || !ts.isObjectLiteralExpression(spec)) return undefined;
    const kindExpr = ownProperty(spec, 'relation');
    const kindNode = kindExpr && unwrapExpression(kindExpr);
    const kind = kindNode && ts.isPropertyAccessExpression(kindNode) ? kindNode.name.text : '';
    const target = ownProperty(spec, 'modelClass');
    const to = target && ctx.tracer.of(target, m);
    const table = to?.root.k === 'class' && !to.steps.length ? tableOf(to.root.node, to.root.module, ctx) : undefined;
    const join = ownProperty(spec, 'join');
    const joinObj = join && unwrapExpression(join);
    const through = joinObj && ts.isObjectLiteralExpression(joinObj) ? ownProperty(joinObj, 'through') : undefined;
    const throughObj = through && unwrapExpression(through);
    const from = throughObj && ts.isObjectLiteralExpression(throughObj) ? constString(ownProperty(throughObj, 'from'), ctx, m) : undefined;
    return { kind, table, ...(from ? { through: from.slice(0, from.lastIndexOf('.')) } : {}) };
  }
  return undefined;
}

/** `static x = …` (its value), `static get x() { return … }` (what it returns). */
function staticMember(cls: ts.ClassLikeDeclaration, name: string): ts.Expression | undefined {
  for (const member of cls.members) {
    const isStatic = ts.getModifiers(member as ts.HasModifiers)?.some((x) => x.kind === ts.SyntaxKind.StaticKeyword);
    if (!isStatic || !member.name || !ts.isIdentifier(member.name) || member.name.text !== name) continue;
    if (ts.isPropertyDeclaration(member)) return member.initializer;
    if (ts.isGetAccessorDeclaration(member)) return getterReturn(member);
  }
  return undefined;
}

/** An object literal, or what an arrow function or function expression returns. */
function objectOf(e: ts.Expression): ts.ObjectLiteralExpression | undefined {
  const u = unwrapExpression(e);
  if (ts.isObjectLiteralExpression(u)) return u;
  if (ts.isArrowFunction(u) && !ts.isBlock(u.body)) return objectOf(u.body);
  if (ts.isArrowFunction(u) || ts.isFunctionExpression(u)) {
    for (const st of (u.body as ts.Block).statements) if (ts.isReturnStatement(st) && st.expression) return objectOf(st.expression);
  }
  return undefined;
}

/** The model class: `Person` itself for `query()`, the class of an instance for `$query()`. Only a class whose chain reaches objection's `Model`. */
function modelClass(o: Origin, instance: boolean): { cls: ts.ClassLikeDeclaration; mod: ModuleInfo } | undefined {
  const last = o.steps.at(-1);
  if (instance) {
    // `const person = await Person.query().findById(id)`: a row the model's own query builder returned.
    const first = o.steps[0];
    if (o.root.k === 'class' && first?.k === 'call' && first.name === 'query') return { cls: o.root.node, mod: o.root.module };
    if (last?.k !== 'typed' || !last.cls || !last.clsModule) return undefined;
    return { cls: last.cls, mod: last.clsModule };
  }
  if (o.root.k !== 'class' || o.steps.length) return undefined;
  return { cls: o.root.node, mod: o.root.module };
}

function extendsObjection(o: Origin): boolean {
  return o.root.k === 'package' && PKG.test(o.root.pkg);
}

/** `static tableName = 'persons'`, `static get tableName() { return 'persons' }`, on the class or a class it extends; undefined when it is not constant. */
function tableOf(cls: ts.ClassLikeDeclaration, mod: ModuleInfo, ctx: SinkContext): string | undefined {
  for (const { cls: c, mod: m } of classChain(ctx.tracer, cls, mod)) {
    const declared = staticMember(c, 'tableName');
    if (declared) return constString(declared, ctx, m);
  }
  return undefined;
}

function getterReturn(g: ts.GetAccessorDeclaration): ts.Expression | undefined {
  for (const st of g.body?.statements ?? []) if (ts.isReturnStatement(st)) return st.expression;
  return undefined;
}
