import { ts } from '../../ts-analysis/typescript.js';
import { ownProperty, unwrapExpression } from '../../ts-analysis/const-value.js';
import { classAt, scopeAt, type Scope } from '../../ts-analysis/scopes.js';
import type { ModuleInfo } from '../../ts-analysis/module-index.js';
import { lastName, type Origin } from '../../ts-analysis/origin.js';
import { returnedExpression } from '../../ts-analysis/function-results.js';
import type { WriteOperation } from '../../sql/index.js';
import { sequelizeToPostgres } from '../parameter-styles.js';
import { constString, foldSql, receiverConfidence, type CallSite, type Sink, type SinkContext, type SinkModel } from '../sink-model.js';
import { capitalise } from '../inflect.js';
import { MIXIN, mixinWrites, projectAssociations, projectModels, type Association, type ModelRef, type ModelResolver } from './sequelize-associations.js';
import { deleteEffects, type DeleteAction } from './delete-actions.js';
import { referencingTables, sequelizeDeleteActions } from './sequelize-foreign-keys.js';
import { subclassBindings } from '../subclass-bindings.js';
import { parameterBindings } from '../parameter-bindings.js';

/**
 * Sequelize (and sequelize-typescript): models from `Model.init(…, { tableName })`,
 * `sequelize.define(name, …, { tableName })` and `@Table({ tableName })`, named
 * as Sequelize names them when no table is given (pluralised); static writes
 * (`create/bulkCreate/update/destroy/upsert/increment/decrement/findOrCreate/truncate/restore`),
 * instance writes (`save/update/destroy/increment/decrement/restore` on an
 * instance found or built from a model), association mixins on an instance
 * (`addX/setX/removeX/createX`, by the declared association), `queryInterface.bulkInsert/…`, and
 * `sequelize.query(sql)` with its `:name` replacements. A `destroy()` also writes what the
 * associations' stated `onDelete` actions reach; a paranoid model's is an UPDATE.
 */
const PKG = /^(sequelize|sequelize-typescript|@sequelize\/core)$/;
const STATIC = new Map<string, WriteOperation>([
  ['create', 'insert'],
  ['bulkCreate', 'insert'],
  ['update', 'update'],
  ['destroy', 'delete'],
  ['upsert', 'insert'],
  ['increment', 'update'],
  ['decrement', 'update'],
  ['findOrCreate', 'insert'],
  ['findCreateFind', 'insert'],
  ['truncate', 'truncate'],
  ['restore', 'update'],
]);
const INSTANCE = new Map<string, WriteOperation>([
  ['save', 'insert'],
  ['update', 'update'],
  ['destroy', 'delete'],
  ['increment', 'update'],
  ['decrement', 'update'],
  ['restore', 'update'],
]);
const QUERY_INTERFACE = new Map<string, WriteOperation>([
  ['bulkInsert', 'insert'],
  ['bulkUpdate', 'update'],
  ['bulkDelete', 'delete'],
  ['upsert', 'insert'],
]);
const FINDERS = /^(findByPk|findOne|findAll|build|create|findOrCreate|findOrBuild|findCreateFind|bulkBuild|bulkCreate|reload|findAndCountAll)$/;

function isSequelize(o: Origin): boolean {
  return o.root.k === 'package' && PKG.test(o.root.pkg);
}

/**
 * The declaration of a model value: a class extending Model, a `define(…)` result,
 * `sequelize.models.X`, or a model registry's member (`db.Payment`, where `db` is the
 * object sequelize-cli's `models/index.js` fills at run time) named like a declared model.
 */
function modelRefOf(o: Origin, ctx: SinkContext, registry = true, depth = 0): ModelRef | undefined {
  if (o.root.k === 'class' && !o.steps.length) {
    const heritage = ctx.tracer.instanceOf(o.root.node, o.root.module, 0);
    return isSequelize(heritage) ? { node: o.root.node, mod: o.root.module } : undefined;
  }
  const last = o.steps.at(-1);
  // `const User = userModel(sequelize)`: the model a definer function returns (`return sequelize.define('User', …)`).
  if (o.root.k === 'function' && o.steps.length === 1 && last?.k === 'call' && depth < 3) {
    const ret = returnedExpression(o.root.node);
    const mod = o.root.module;
    return ret && modelRefOf(ctx.tracer.of(ret, mod), { ...ctx, mod }, registry, depth + 1);
  }
  // A definer's parameter is the connection: `sequelize.define('User', { …attributes })` whatever the receiver.
  if (o.root.k === 'unknown' && last?.k === 'call' && last.name === 'define' && isModelDefinition(last.node, ctx)) return { node: last.node, mod: ctx.mod };
  if (registry && o.root.k === 'literal' && o.steps.length === 1 && last?.k === 'get' && /^[A-Z]/.test(last.name)) {
    return projectModels(ctx, resolveClass).get(last.name);
  }
  const prev = o.steps.at(-2);
  // `req.app.get('sequelize').models.User`: Sequelize's registry reached through something untraced, naming a declared model.
  if (registry && !isSequelize(o) && last?.k === 'get' && prev?.k === 'get' && prev.name === 'models') return projectModels(ctx, resolveClass).get(last.name);
  if (!isSequelize(o)) return undefined;
  if (last?.k === 'call' && last.name === 'define') return { node: last.node, mod: ctx.mod };
  if (last?.k === 'get' && prev?.k === 'get' && prev.name === 'models') return { node: namedDefine(last.name), mod: ctx.mod };
  return undefined;
}

/** `define('Name', { …attributes }, options?)`: the shape of Sequelize's define, not of AMD's or customElements'. */
function isModelDefinition(call: ts.CallExpression, ctx: SinkContext): boolean {
  const attrs = call.arguments[1] && unwrapExpression(call.arguments[1]);
  return constString(call.arguments[0], ctx) !== undefined && !!attrs && ts.isObjectLiteralExpression(attrs);
}

/** `sequelize.models.user` names the model `user`: read as the `define('user')` that made it. */
function namedDefine(name: string): ts.CallExpression {
  return ts.factory.createCallExpression(ts.factory.createIdentifier('define'), undefined, [ts.factory.createStringLiteral(name)]);
}

/**
 * A model as association declarations name it. Besides what modelRefOf traces:
 * `this` in a model's `static associate(models)` (sequelize-cli's layout), and
 * the models registry reached through an untyped parameter (`models.Task`,
 * `sequelize.models.task` in express-example's `applyExtraSetup(sequelize)`),
 * which names the model: the call itself (`hasMany`, `belongsTo`…) is what says Sequelize.
 */
const resolveModel: ModelResolver = (expr, ctx) => resolveIn(expr, ctx, true);
const resolveClass: ModelResolver = (expr, ctx) => resolveIn(expr, ctx, false);

function resolveIn(expr: ts.Expression, ctx: SinkContext, registry: boolean): ModelRef | undefined {
  const e = unwrapExpression(expr);
  if (e.kind === ts.SyntaxKind.ThisKeyword) {
    const cls = classAt(ctx.mod.scopes, e.pos);
    return cls ? modelRefOf({ root: { k: 'class', node: cls, module: ctx.mod }, steps: [] }, ctx, registry) : undefined;
  }
  const o = ctx.tracer.of(expr, ctx.mod);
  const traced = modelRefOf(o, ctx, registry);
  if (traced || !registry) return traced;
  if (o.root.k !== 'unknown') return undefined;
  const [first, second] = o.steps;
  const viaRegistry = o.steps.length === 2 && first?.k === 'get' && first.name === 'models' && second?.k === 'get' ? second.name : undefined;
  const viaModels = o.steps.length === 1 && first?.k === 'get' && o.root.name === 'models' ? first.name : undefined;
  const name = viaRegistry ?? viaModels;
  return name ? (projectModels(ctx, resolveClass).get(name) ?? { node: namedDefine(name), mod: ctx.mod }) : undefined;
}

/** The model of an instance: typed as one, found or built by one, or constructed with `new`. */
function instanceModel(o: Origin): Origin | undefined {
  const last = o.steps.at(-1);
  if (last?.k === 'typed' && last.cls && isSequelize(o)) return { root: { k: 'class', node: last.cls, module: last.clsModule as ModuleInfo }, steps: [] };
  const steps = last?.k === 'elem' ? o.steps.slice(0, -1) : o.steps;
  const finder = steps.at(-1);
  if (finder?.k === 'call' && finder.name && FINDERS.test(finder.name)) return { root: o.root, steps: steps.slice(0, -1) };
  // `new Expense({…})`, `new (db.models.Article)(…)`: an instance built by its model's constructor.
  if (finder?.k === 'new') return { root: o.root, steps: steps.slice(0, -1) };
  return undefined;
}

/**
 * A value typed only as Sequelize's own model types: `ModelStatic<T>`, `ModelCtor<T>`,
 * `typeof Model` (a model class, whose statics write) or `Model` (an instance).
 */
function genericModel(o: Origin): 'static' | 'instance' | undefined {
  if (o.root.k !== 'package' || !PKG.test(o.root.pkg)) return undefined;
  if (!o.steps.length) return o.root.name === 'Model' ? 'static' : undefined;
  if (o.steps.length !== 1 || o.steps[0]!.k !== 'typed') return undefined;
  if (/^(ModelStatic|ModelCtor|ModelType|ModelDefined)$/.test(o.root.name)) return 'static';
  return o.root.name === 'Model' ? 'instance' : undefined;
}

/** An instance found or built by a generically typed model (`(await this.repository.findOne(…)).update(…)`). */
function genericInstance(o: Origin): 'instance' | undefined {
  const model = instanceModel(o);
  return model && genericModel(model) === 'static' ? 'instance' : undefined;
}

function genericTypeName(o: Origin): string {
  const model = genericModel(o) ? o : (instanceModel(o) ?? o);
  const name = model.root.k === 'package' ? model.root.name : 'Model';
  return model.steps.length ? `${name}<…>` : `typeof ${name}`;
}

/**
 * `this.repository.create(…)` in a generic base service: when every subclass of the run hands
 * the base constructor a model traced here, the writes are those models' tables, each said
 * with the subclass that supplies it. Otherwise undefined (and the write stays unverifiable).
 */
function boundBySubclasses(site: CallSite, ctx: SinkContext, operation: WriteOperation): Sink[] | undefined {
  const bindings = subclassBindings(site.receiver!, ctx);
  if (!bindings?.subclasses.length) return undefined;
  const models = bindings.subclasses.map((b) => {
    const ref = b.value && modelRefOf(b.value, { ...ctx, mod: b.mod });
    const table = ref && ctx.facts.sequelizeTable(ref.node, ref.mod);
    return ref && table !== undefined ? { ref, table, sub: b.name } : undefined;
  });
  if (models.some((m) => !m)) return undefined;
  return models.flatMap((m) => writeSinks(site, ctx, `sequelize ${site.method}() on this.${bindings.member}, the model ${m!.sub} gives ${bindings.base}`, m!.table, operation, m!.ref));
}

/**
 * `async function deleteOldest(Model) { await Model.destroy(…) }`: a helper writing through a
 * parameter writes the models its callers hand it (`deleteOldest(models.Comment)`), each said
 * with where it is called from. A caller handing something not traced to a model leaves that
 * part unverifiable; a helper nobody in the run calls stays as it was (nothing says it is Sequelize).
 */
function boundByCallers(site: CallSite, ctx: SinkContext, operation: WriteOperation): Sink[] | undefined {
  const bindings = parameterBindings(site.receiver!, ctx);
  if (!bindings?.calls.length) return undefined;
  const byTable = new Map<string, { ref: ModelRef; at: string[] }>();
  let untraced = false;
  for (const c of bindings.calls) {
    const ref = modelRefOf(c.value, { ...ctx, mod: c.mod });
    const table = ref && ctx.facts.sequelizeTable(ref.node, ref.mod);
    if (!ref || table === undefined) {
      untraced = true;
      continue;
    }
    const entry = byTable.get(table) ?? { ref, at: [] };
    entry.at.push(c.at);
    byTable.set(table, entry);
  }
  if (!byTable.size) return undefined;
  const sinks = [...byTable].flatMap(([table, { ref, at }]) => writeSinks(site, ctx, `sequelize ${site.method}() on the parameter ${bindings.param} of ${bindings.helper}(), given this model at ${at.join(', ')}`, table, operation, ref));
  if (untraced) sinks.push({ kind: 'builder', node: site.node, via: `sequelize ${site.method}() on the parameter ${bindings.param} of ${bindings.helper}(), given a value not traced to a model by one of its callers`, table: undefined, operation, library: 'sequelize' });
  return sinks;
}

/** The model declaration of an instance. */
function instanceRef(o: Origin, ctx: SinkContext): ModelRef | undefined {
  const last = o.steps.at(-1);
  if (last?.k === 'typed' && last.cls && isSequelize(o)) return { node: last.cls, mod: last.clsModule as ModuleInfo };
  const model = instanceModel(o);
  return model && modelRefOf(model, ctx);
}

/**
 * `req.article.destroy()` in an Express handler (or `const article = req.article`), where a
 * middleware or `router.param` stored `req.article = await Article.findOne(…)`: the instance every
 * such assignment in the run stores, when they agree on one model. Known by the property's name
 * across files, so heuristic.
 */
function requestInstanceRef(o: Origin, ctx: SinkContext): { ref: ModelRef; name: string } | undefined {
  const name = requestProperty(o);
  const stored = name === undefined ? undefined : requestAssignments(ctx).get(name);
  if (!stored?.length) return undefined;
  const refs = stored.map((a) => instanceRef(ctx.tracer.of(a.value, a.mod), { ...ctx, mod: a.mod }));
  const first = refs[0];
  return first && refs.every((x) => x?.node === first.node) ? { ref: first, name: name! } : undefined;
}

/** `req.<name>`: a property of a handler's request parameter (traced as a callback's `req`, or an untraced `req`). */
function requestProperty(o: Origin): string | undefined {
  const last = o.steps.at(-1);
  const prev = o.steps.at(-2);
  if (last?.k !== 'get') return undefined;
  if (prev?.k === 'cb' && prev.name && REQUEST.test(prev.name)) return last.name;
  if (!prev && o.root.k === 'unknown' && o.root.name && REQUEST.test(o.root.name)) return last.name;
  return undefined;
}

/** `this` inside a function assigned to `Model.prototype.name` (or an arrow within it): that model. */
function prototypeInstanceRef(receiver: ts.Expression, ctx: SinkContext): ModelRef | undefined {
  if (unwrapExpression(receiver).kind !== ts.SyntaxKind.ThisKeyword) return undefined;
  // The nearest function that binds `this`: arrows take their enclosing function's.
  let fn: ts.Node | undefined;
  for (let sc: Scope | undefined = scopeAt(ctx.mod.scopes, receiver.end - 1); sc; sc = sc.parent) {
    if (sc.kind === 'class') return undefined;
    if (sc.kind === 'function' && !ts.isArrowFunction(sc.node)) {
      fn = sc.node;
      break;
    }
  }
  const owner = fn && prototypeMethods(ctx.mod).get(fn);
  return owner ? modelRefOf(ctx.tracer.of(owner, ctx.mod), ctx) : undefined;
}

const prototypeMemo = new WeakMap<ModuleInfo, Map<ts.Node, ts.Expression>>();

/** The functions a module assigns to `X.prototype.name`, with their `X`. */
function prototypeMethods(mod: ModuleInfo): Map<ts.Node, ts.Expression> {
  let found = prototypeMemo.get(mod);
  if (found) return found;
  found = new Map();
  prototypeMemo.set(mod, found);
  if (!mod.sourceFile.text.includes('.prototype.')) return found;
  const visit = (n: ts.Node): void => {
    if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(n.left)) {
      const target = n.left.expression;
      const fn = unwrapExpression(n.right);
      if (ts.isPropertyAccessExpression(target) && target.name.text === 'prototype' && (ts.isFunctionExpression(fn) || ts.isArrowFunction(fn))) found!.set(fn, target.expression);
    }
    ts.forEachChild(n, visit);
  };
  visit(mod.sourceFile);
  return found;
}

const REQUEST = /^(req|request)$/;
function isRequestObject(e: ts.Expression): boolean {
  const u = unwrapExpression(e);
  return ts.isIdentifier(u) && REQUEST.test(u.text);
}

const requestMemo = new WeakMap<object, Map<string, { value: ts.Expression; mod: ModuleInfo }[]>>();

/** Every `req.<name> = value` of the run, by name. */
function requestAssignments(ctx: SinkContext): Map<string, { value: ts.Expression; mod: ModuleInfo }[]> {
  ctx.index.noteAccess(ctx.projectFiles());
  let found = requestMemo.get(ctx.index);
  if (found) return found;
  found = new Map();
  requestMemo.set(ctx.index, found);
  for (const rel of ctx.projectFiles()) {
    const mod = ctx.index.getIfMentions(rel, /\b(req|request)\.[A-Za-z_$][\w$]*\s*=[^=]/);
    if (!mod) continue;
    const visit = (n: ts.Node): void => {
      if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(n.left) && isRequestObject(n.left.expression)) {
        const list = found!.get(n.left.name.text) ?? [];
        list.push({ value: n.right, mod });
        found!.set(n.left.name.text, list);
      }
      ts.forEachChild(n, visit);
    };
    visit(mod.sourceFile);
  }
  return found;
}

/** The table of a model instance. */
function instanceTable(o: Origin, ctx: SinkContext): string | undefined {
  const ref = instanceRef(o, ctx);
  return ref && ctx.facts.sequelizeTable(ref.node, ref.mod);
}

/**
 * A model write, with what the database does along with it: a paranoid model's `destroy()`
 * (without `force: true`) only sets `deletedAt`; a real delete runs the foreign keys' delete
 * actions the associations state (sequelize-foreign-keys.ts); `truncate({ cascade: true })`
 * empties every table referencing this one.
 */
function writeSinks(site: CallSite, ctx: SinkContext, via: string, table: string, operation: WriteOperation, ref: ModelRef): Sink[] {
  const options = site.args[0] && unwrapExpression(site.args[0]);
  const flag = (key: string) => !!options && ts.isObjectLiteralExpression(options) && ownProperty(options, key)?.kind === ts.SyntaxKind.TrueKeyword;
  const sink = (t: string, op: WriteOperation, how: string): Sink => ({ kind: 'builder', node: site.node, via: how, table: t, operation: op, library: 'sequelize' });
  if (operation === 'delete' && !flag('force') && ctx.facts.sequelizeParanoid(ref.node, ref.mod)) return [sink(table, 'update', `${via}; the model is paranoid, so it sets deletedAt`)];
  const sinks = [sink(table, operation, via)];
  if (operation === 'delete') {
    for (const e of deleteEffects(deleteActionsOf(ctx), table)) sinks.push(sink(e.table, e.operation, `${via} through the foreign key (${e.path})`));
  }
  if (operation === 'truncate' && flag('cascade')) {
    for (const t of referencingTables(projectAssociations(ctx, resolveModel), table)) sinks.push(sink(t, 'truncate', `${via} with cascade: true (${t} references ${table})`));
  }
  return sinks;
}

const deleteActionsMemo = new WeakMap<readonly Association[], DeleteAction[]>();
function deleteActionsOf(ctx: SinkContext): DeleteAction[] {
  const associations = projectAssociations(ctx, resolveModel);
  let actions = deleteActionsMemo.get(associations);
  if (!actions) deleteActionsMemo.set(associations, (actions = sequelizeDeleteActions(associations)));
  return actions;
}

/** sequelize-typescript's `$add('purchase', e)` is the mixin `addPurchase(e)`. */
const TS_MIXIN = /^\$(add|set|remove|create)$/;

function mixinName(site: CallSite, ctx: SinkContext): string | undefined {
  const m = TS_MIXIN.exec(site.method!);
  if (!m) return site.method;
  const name = constString(site.args[0], ctx);
  return name ? `${m[1]}${capitalise(name)}` : undefined;
}

/**
 * An association mixin on an instance (`user.addPurchase(p)`, `expense.setUser(u)`):
 * the writes its association makes (sequelize-associations.ts). With no declared
 * association to go by, `create<Name>()` is read as inserting into the model named
 * like it, and the other mixins are left alone: their table depends on the kind.
 */
function mixinSinks(site: CallSite, o: Origin, ctx: SinkContext): Sink[] | undefined {
  const method = mixinName(site, ctx);
  if (!method) return undefined;
  const source = instanceTable(o, ctx);
  if (source === undefined) return undefined;
  const writes = mixinWrites(projectAssociations(ctx, resolveModel), source, method);
  const [, verb, name] = MIXIN.exec(method) ?? [];
  const fallback = !writes && verb === 'create' && name ? ctx.facts.sequelizeTable(namedDefine(name.charAt(0).toLowerCase() + name.slice(1)), ctx.mod) : undefined;
  const all = writes ?? (fallback ? [{ table: fallback, operation: 'insert' as const }] : []);
  return all.length ? all.map((w) => ({ kind: 'builder', node: site.node, via: `sequelize association ${method}()`, table: w.table, operation: w.operation, library: 'sequelize' })) : undefined;
}

export const sequelizeModel: SinkModel = {
  id: 'sequelize',
  methods: [...new Set([...STATIC.keys(), ...INSTANCE.keys(), ...QUERY_INTERFACE.keys(), 'query', '$add', '$set', '$remove', '$create'])],
  methodPattern: MIXIN,
  call(site, ctx) {
    if (!site.receiver) return undefined;
    const method = site.method!;
    const o = ctx.tracer.of(site.receiver, ctx.mod);
    if (MIXIN.test(method) || TS_MIXIN.test(method)) return mixinSinks(site, o, ctx);
    if (method === 'query') {
      if (!isSequelize(o) || !site.args[0]) return undefined;
      const f = foldSql(site.args[0], ctx);
      const sql = f.unknown ? f : { ...f, text: sequelizeToPostgres(f.text) };
      return [{ kind: 'sql', node: site.node, via: 'sequelize.query()', sql, dbReceiver: true, library: 'sequelize' }];
    }
    const qi = QUERY_INTERFACE.get(method);
    if (qi && (o.steps.some((s) => s.k === 'call' && s.name === 'getQueryInterface') || (isSequelize(o) && lastName(o) === 'QueryInterface') || (receiverConfidence(o, PKG, /^queryInterface$/) && lastName(o) === 'queryInterface'))) {
      const t = constString(site.args[0], ctx);
      return [{ kind: 'builder', node: site.node, via: `queryInterface.${method}()`, table: t, operation: qi, library: 'sequelize', heuristic: !isSequelize(o) && !o.steps.length }];
    }
    const st = STATIC.get(method);
    const ref = st ? modelRefOf(o, ctx) : undefined;
    const table = ref && ctx.facts.sequelizeTable(ref.node, ref.mod);
    if (st && ref && table !== undefined) return writeSinks(site, ctx, `sequelize ${method}()`, table, st, ref);
    const helper = st && !ref ? boundByCallers(site, ctx, st) : undefined;
    if (helper) return helper;
    const inst = INSTANCE.get(method);
    const iref = inst ? instanceRef(o, ctx) : undefined;
    const itable = iref && ctx.facts.sequelizeTable(iref.node, iref.mod);
    if (inst && iref && itable !== undefined) return writeSinks(site, ctx, `sequelize instance .${method}()`, itable, inst, iref);
    const viaRequest = inst && !iref ? requestInstanceRef(o, ctx) : undefined;
    const rtable = viaRequest && ctx.facts.sequelizeTable(viaRequest.ref.node, viaRequest.ref.mod);
    if (inst && viaRequest && rtable !== undefined) {
      return writeSinks(site, ctx, `sequelize instance .${method}() on req.${viaRequest.name}, which the run's \`req.${viaRequest.name} = …\` assignments set to a model instance`, rtable, inst, viaRequest.ref).map((x) => ({ ...x, heuristic: true }));
    }
    // `Article.prototype.destroy2 = async function () { await this.destroy() }`: `this` is an instance of that model.
    const pref = inst && !iref ? prototypeInstanceRef(site.receiver, ctx) : undefined;
    const ptable = pref && ctx.facts.sequelizeTable(pref.node, pref.mod);
    if (inst && pref && ptable !== undefined) return writeSinks(site, ctx, `sequelize instance .${method}() on this, in a method added to the model's prototype`, ptable, inst, pref);
    // A model held only as Sequelize's own type (a generic base service's `repository: ModelStatic<T>`):
    // a write whose table is decided by whoever supplies the model. Said as unverifiable, never dropped.
    const generic = genericModel(o) ?? (inst ? genericInstance(o) : undefined);
    const op = generic === 'static' ? st : generic === 'instance' ? inst : undefined;
    if (op && generic === 'static') {
      const bound = boundBySubclasses(site, ctx, op);
      if (bound) return bound;
    }
    if (op) return [{ kind: 'builder', node: site.node, via: `sequelize ${generic === 'instance' ? 'instance .' : ''}${method}() on a model typed ${genericTypeName(o)}`, table: undefined, operation: op, library: 'sequelize' }];
    return undefined;
  },
};
