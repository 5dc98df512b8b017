import { lastName, type Origin } from '../../ts-analysis/origin.js';
import type { WriteOperation } from '../../sql/index.js';
import { sequelizeToPostgres } from '../parameter-styles.js';
import { constString, foldSql, receiverConfidence, type CallSite, type Sink, type SinkContext, type SinkModel } from '../sink-model.js';
import { capitalise } from '../inflect.js';
import { MIXIN, mixinWrites, projectAssociations } from './sequelize-associations.js';
import { PKG, genericInstance, genericModel, genericTypeName, instanceRef, instanceTable, isSequelize, modelRefOf, namedDefine, resolveModel } from './sequelize-models.js';
import { boundByCallers, boundBySubclasses, writeSinks } from './sequelize-writes.js';
import { prototypeInstanceRef, requestInstanceRef } from './sequelize-request.js';

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
    // An untyped base (`class BaseService { constructor(model) { this.model = model } }`, JavaScript): the models its subclasses hand to super().
    const untypedBase = st && !ref && o.root.k === 'unknown' ? boundBySubclasses(site, ctx, st) : undefined;
    if (untypedBase) return untypedBase;
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
