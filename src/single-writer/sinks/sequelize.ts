import { ts } from '../../ts-analysis/typescript.js';
import type { ModuleInfo } from '../../ts-analysis/module-index.js';
import { lastName, type Origin } from '../../ts-analysis/origin.js';
import type { WriteOperation } from '../../sql/index.js';
import { sequelizeToPostgres } from '../parameter-styles.js';
import { constString, foldSql, receiverConfidence, type SinkContext, type SinkModel } from '../sink-model.js';

/**
 * Sequelize (and sequelize-typescript): models from `Model.init(…, { tableName })`,
 * `sequelize.define(name, …, { tableName })` and `@Table({ tableName })`, named
 * as Sequelize names them when no table is given (pluralised); static writes
 * (`create/bulkCreate/update/destroy/upsert/increment/decrement/findOrCreate/truncate/restore`),
 * instance writes (`save/update/destroy/increment/decrement/restore` on an
 * instance found or built from a model), an association's `create<Name>()` on an
 * instance, `queryInterface.bulkInsert/…`, and
 * `sequelize.query(sql)` with its `:name` replacements.
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

/** The table of a model value: a class extending Model, a `define(…)` result, `sequelize.models.X`. */
function modelTable(o: Origin, ctx: SinkContext): string | undefined {
  if (o.root.k === 'class' && !o.steps.length) {
    const heritage = ctx.tracer.instanceOf(o.root.node, o.root.module, 0);
    if (!isSequelize(heritage)) return undefined;
    return ctx.facts.sequelizeTable(o.root.node, o.root.module);
  }
  if (!isSequelize(o)) return undefined;
  const last = o.steps.at(-1);
  if (last?.k === 'call' && last.name === 'define') return ctx.facts.sequelizeTable(last.node, ctx.mod);
  const prev = o.steps.at(-2);
  if (last?.k === 'get' && prev?.k === 'get' && prev.name === 'models') return ctx.facts.sequelizeTable(ts.factory.createCallExpression(ts.factory.createIdentifier('define'), undefined, [ts.factory.createStringLiteral(last.name)]), ctx.mod);
  return undefined;
}

/** The table of a model instance. */
function instanceTable(o: Origin, ctx: SinkContext): string | undefined {
  const last = o.steps.at(-1);
  if (last?.k === 'typed' && last.cls && isSequelize(o)) return ctx.facts.sequelizeTable(last.cls, last.clsModule as ModuleInfo);
  const steps = last?.k === 'elem' ? o.steps.slice(0, -1) : o.steps;
  const finder = steps.at(-1);
  if (finder?.k === 'call' && finder.name && FINDERS.test(finder.name)) return modelTable({ root: o.root, steps: steps.slice(0, -1) }, ctx);
  return undefined;
}

/** An association's `create<Name>()` mixin: `orchestra.createInstrument({…})` inserts an instrument. */
const CREATE_ASSOCIATED = /^create([A-Z][A-Za-z0-9_$]*)$/;

/**
 * The table `create<Name>()` writes: the model named like the association
 * (`instrument`), named as Sequelize names it. An association declared with
 * another alias (`as: 'players'`) names the mixin after the alias, which this
 * syntax-only reading cannot tie to its model.
 */
function associatedTable(name: string, ctx: SinkContext): string | undefined {
  const model = name[0]!.toLowerCase() + name.slice(1);
  return ctx.facts.sequelizeTable(ts.factory.createCallExpression(ts.factory.createIdentifier('define'), undefined, [ts.factory.createStringLiteral(model)]), ctx.mod);
}

export const sequelizeModel: SinkModel = {
  id: 'sequelize',
  methods: [...new Set([...STATIC.keys(), ...INSTANCE.keys(), ...QUERY_INTERFACE.keys(), 'query'])],
  methodPattern: CREATE_ASSOCIATED,
  call(site, ctx) {
    if (!site.receiver) return undefined;
    const method = site.method!;
    const o = ctx.tracer.of(site.receiver, ctx.mod);
    const associated = CREATE_ASSOCIATED.exec(method);
    if (associated) {
      if (instanceTable(o, ctx) === undefined) return undefined;
      const table = associatedTable(associated[1]!, ctx);
      return table ? [{ kind: 'builder', node: site.node, via: `sequelize association ${method}()`, table, operation: 'insert', library: 'sequelize' }] : undefined;
    }
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
    const table = st ? modelTable(o, ctx) : undefined;
    if (st && table !== undefined) return [{ kind: 'builder', node: site.node, via: `sequelize ${method}()`, table, operation: st, library: 'sequelize' }];
    const inst = INSTANCE.get(method);
    const itable = inst ? instanceTable(o, ctx) : undefined;
    if (inst && itable !== undefined) return [{ kind: 'builder', node: site.node, via: `sequelize instance .${method}()`, table: itable, operation: inst, library: 'sequelize' }];
    return undefined;
  },
};
